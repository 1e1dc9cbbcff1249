import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores, wrongCode } from '../helpers.ts'

const stores = useTestStores()

describe('requestOtp', () => {
  it('sends a code of OTP_LENGTH digits to the E.164 number and says when it expires', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_LENGTH: '8', OTP_TTL_SECONDS: '120', OTP_RESEND_COOLDOWN_SECONDS: '45' } })
    const phone = uniquePhone()
    const sent = await t.requestOtp(phone)
    expect(sent).toMatchObject({ __typename: 'OtpSent', phone, expiresInSeconds: 120, resendAfterSeconds: 45, codeLength: 8 })
    expect(Date.parse(sent.expiresAt) - t.clock.now().getTime()).toBe(120_000)
    expect(Date.parse(sent.resendAvailableAt) - t.clock.now().getTime()).toBe(45_000)
    expect(t.inbox.lastCodeFor(phone)).toMatch(/^\d{8}$/)
  })

  it('reads a national number in the default country', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    const sent = await t.requestOtp(phone.slice(3))
    expect(sent).toMatchObject({ __typename: 'OtpSent', phone })
    expect(t.inbox.countFor(phone)).toBe(1)
  })

  it('accepts spaces, dashes and brackets around the digits', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    const typed = `+91 (${phone.slice(3, 8)}) ${phone.slice(8, 10)}-${phone.slice(10)}`
    expect(await t.requestOtp(typed)).toMatchObject({ __typename: 'OtpSent', phone })
  })

  it('reads national numbers in a configured DEFAULT_COUNTRY', async () => {
    const t = await createTestApp({ ...stores, env: { DEFAULT_COUNTRY: 'GB' } })
    expect(await t.requestOtp('07400 123456')).toMatchObject({ __typename: 'OtpSent', phone: '+447400123456' })
  })

  it.each([
    ['empty', ''],
    ['letters', 'call me maybe'],
    ['too short', '12345'],
    ['non-ASCII digits', '+९१९८१२३४५६७८'],
    ['10 kB of digits', '9'.repeat(10_000)],
    ['a valid number of a country that is not served', '+14155550123'],
  ])('refuses %s with InvalidPhoneError and sends no SMS', async (_label, input) => {
    const t = await createTestApp(stores)
    const sent = await t.requestOtp(input)
    expect(sent).toMatchObject({ __typename: 'InvalidPhoneError', code: 'INVALID_PHONE' })
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('says that the country is not served when the number is valid elsewhere', async () => {
    const t = await createTestApp(stores)
    const sent = await t.requestOtp('+447400123456')
    expect(sent.message).toMatch(/country/i)
  })

  it('refuses a second code within the resend cooldown with an honest retryAfterSeconds', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '30' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const again = await t.requestOtp(phone)
    expect(again).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' })
    expect(again.retryAfterSeconds).toBeGreaterThan(25)
    expect(again.retryAfterSeconds).toBeLessThanOrEqual(30)
    expect(t.inbox.countFor(phone)).toBe(1)
  })

  it('leaves the pending code and its attempts untouched when the cooldown refuses a resend', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '30' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    await t.verifyOtp(phone, wrongCode(t.inbox.lastCodeFor(phone)))
    await t.requestOtp(phone)
    const second = await t.verifyOtp(phone, wrongCode(t.inbox.lastCodeFor(phone)))
    expect(second).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 3 })
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession' })
  })

  it('replaces the previous code with a new one', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const first = t.inbox.lastCodeFor(phone)
    let second = first
    while (second === first) {
      await t.requestOtp(phone)
      second = t.inbox.lastCodeFor(phone)
    }
    expect(await t.verifyOtp(phone, first)).toMatchObject({ reason: 'INCORRECT' })
    expect(await t.verifyOtp(phone, second)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('answers the same fields for numbers with and without an account', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const known = (await t.signIn()).user.phone
    const unknown = uniquePhone()
    const strip = (sent: Record<string, unknown>) => Object.keys(sent).sort()
    expect(strip(await t.requestOtp(known))).toEqual(strip(await t.requestOtp(unknown)))
  })
})

