import { describe, expect, it } from 'vitest'
import type { PrismaClient } from '../../src/generated/prisma/client.ts'
import { recordingPrisma } from '../support/recording-prisma.ts'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'
import { confirmPhoneChange, me, requestPhoneChange } from '../support/phone-change.ts'

/**
 * What guards a phone change: a recent authentication at request time, every limit of
 * requestOtp (a change is one more way to pump SMS), clear errors for bad numbers, and
 * no hint of whether the new number already has an account.
 */

const stores = useTestStores()

async function app(env: Record<string, string> = {}, prisma?: PrismaClient) {
  const database = prisma ? { ...stores.database, prisma } : stores.database
  return createTestApp({ ...stores, database, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', ...env } })
}

describe('requestPhoneChange guards', () => {
  it('needs a recent authentication now: outside REAUTH_WINDOW_SECONDS it sends nothing', async () => {
    const t = await app({ REAUTH_WINDOW_SECONDS: '60' })
    const session = await t.signIn()
    t.clock.advanceSeconds(61)
    const newPhone = uniquePhone()
    expect(await requestPhoneChange(t, session.accessToken, newPhone)).toMatchObject({ __typename: 'ReauthenticationRequiredError', code: 'REAUTHENTICATION_REQUIRED' })
    expect(t.inbox.countFor(newPhone)).toBe(0)
  })

  it('lets a session that reauthenticated change the number', async () => {
    const t = await app({ REAUTH_WINDOW_SECONDS: '60' })
    const session = await t.signIn()
    t.clock.advanceSeconds(61)
    await t.requestOtp(session.user.phone)
    const otp = t.inbox.lastCodeFor(session.user.phone)
    await t.gql('mutation($otp: String!) { reauthenticate(otp: $otp) { __typename } }', { otp }, { headers: { authorization: `Bearer ${session.accessToken}` } })
    expect(await requestPhoneChange(t, session.accessToken, uniquePhone())).toMatchObject({ __typename: 'OtpSent' })
  })

  it("refuses the account's own number with InvalidPhoneError and sends no SMS", async () => {
    const t = await app()
    const session = await t.signIn()
    const before = t.inbox.messages.length
    const ownNumberWritten = session.user.phone.replace('+91', '0')
    expect(await requestPhoneChange(t, session.accessToken, ownNumberWritten)).toMatchObject({ __typename: 'InvalidPhoneError', code: 'INVALID_PHONE' })
    expect(t.inbox.messages).toHaveLength(before)
  })

  it('refuses a test number with InvalidPhoneError, at request and at confirm', async () => {
    const t = await app({ TEST_PHONE_NUMBERS: '+15555550100:123456' })
    const session = await t.signIn()
    expect(await requestPhoneChange(t, session.accessToken, '+1 555-555-0100')).toMatchObject({ __typename: 'InvalidPhoneError' })
    expect(await confirmPhoneChange(t, session.accessToken, '+15555550100', '123456')).toMatchObject({ __typename: 'InvalidPhoneError' })
  })

  it.each([
    ['letters', 'call me'],
    ['too short', '+91 12'],
    ['10 kB', '9'.repeat(10_240)],
    ['non-ASCII digits', '+९१९८१२३४५६७८'],
    ['an unserved country', '+1 202 555 0143'],
  ])('answers InvalidPhoneError for %s, at request and at confirm', async (_name, input) => {
    const t = await app({ ALLOWED_COUNTRIES: 'IN' })
    const session = await t.signIn()
    expect(await requestPhoneChange(t, session.accessToken, input)).toMatchObject({ __typename: 'InvalidPhoneError' })
    expect(await confirmPhoneChange(t, session.accessToken, input, '123456')).toMatchObject({ __typename: 'InvalidPhoneError' })
  })

  it.each([['letters', 'abcdef'], ['too short', '123'], ['10 kB', '1'.repeat(10_240)]])('answers MALFORMED for a code of %s', async (_name, otp) => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, otp)).toMatchObject({ __typename: 'InvalidOtpError', reason: 'MALFORMED' })
  })

  it('answers alike whether or not the new number has an account', async () => {
    const t = await app()
    const owner = await t.signIn()
    const session = await t.signIn()
    const taken = await requestPhoneChange(t, session.accessToken, owner.user.phone)
    const free = await requestPhoneChange(t, session.accessToken, uniquePhone())
    expect(taken).toEqual({ ...free, phone: owner.user.phone })
  })

  it('never asks the database about the new number', async () => {
    const values: string[] = []
    const t = await app({}, recordingPrisma(stores.database.prisma, values))
    const session = await t.signIn()
    const newPhone = uniquePhone()
    values.length = 0
    expect(await requestPhoneChange(t, session.accessToken, newPhone)).toMatchObject({ __typename: 'OtpSent' })
    expect(values.length).toBeGreaterThan(0)
    expect(values.filter((value) => value.includes(newPhone))).toEqual([])
  })

  it("shares the new number's cooldown with sign-in codes", async () => {
    const t = await app({ OTP_RESEND_COOLDOWN_SECONDS: '30' })
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await t.requestOtp(newPhone)
    expect(await requestPhoneChange(t, session.accessToken, newPhone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(t.inbox.countFor(newPhone)).toBe(1)
  })

  it("counts against the new number's send cap", async () => {
    const t = await app({ OTP_MAX_SENDS_PER_PHONE: '2' })
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    await requestPhoneChange(t, session.accessToken, newPhone)
    expect(await requestPhoneChange(t, session.accessToken, newPhone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.requestOtp(newPhone)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it("counts against the caller's IP send budget", async () => {
    const t = await app({ OTP_MAX_SENDS_PER_IP: '3' })
    const session = await t.signIn()
    await requestPhoneChange(t, session.accessToken, uniquePhone())
    await requestPhoneChange(t, session.accessToken, uniquePhone())
    expect(await requestPhoneChange(t, session.accessToken, uniquePhone())).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('answers SmsDeliveryError when the provider refuses, and leaves no usable code', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    t.inbox.failNext('not-sent')
    expect(await requestPhoneChange(t, session.accessToken, newPhone)).toMatchObject({ __typename: 'SmsDeliveryError' })
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, '123456')).toMatchObject({ reason: 'EXPIRED' })
  })
})

describe('confirmPhoneChange failures', () => {
  it('answers SERVICE_UNAVAILABLE when the database fails, and the same code works on retry', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    const code = t.inbox.lastCodeFor(newPhone)
    const transaction = t.deps.prisma.$transaction
    t.deps.prisma.$transaction = (() => Promise.reject(new Error('connection lost'))) as never
    const failed = await confirmPhoneChange(t, session.accessToken, newPhone, code)
    t.deps.prisma.$transaction = transaction
    expect(failed).toEqual({ errors: ['SERVICE_UNAVAILABLE'] })
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, code)).toMatchObject({ __typename: 'PhoneChanged' })
  })

  it('kills the pending change code when the account is deleted', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    await t.gql('mutation { deleteAccount { __typename } }', {}, { headers: { authorization: `Bearer ${session.accessToken}` } })
    const slot = { phone: newPhone, change: { userId: session.user.id, sessionId: session.sessionId } }
    expect(await t.deps.otpStore.attemptsRemaining(slot, 5)).toBe(0)
    expect(await me(t, session.accessToken)).toBeNull()
  })
})
