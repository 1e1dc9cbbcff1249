import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'
import { itReal } from '../support/services.ts'

/**
 * Issue 3, "Guessing": a code burns after OTP_MAX_ATTEMPTS wrong tries, and wrong codes
 * are also counted per number across all its codes and per client IP across all
 * numbers, so neither asking for new codes nor spreading guesses resets the budget.
 * (The plain countdown to the burn is in test/auth/verify-otp.test.ts.)
 */

const stores = useTestStores()

const attacker = '198.51.100.20'
const bystander = '203.0.113.40'

/** A pending code for a fresh (or given) number, requested from `ip`. */
async function pending(t: TestApp, phone = uniquePhone(), ip?: string) {
  const sent = await t.requestOtp(phone, ip)
  expect(sent, 'requestOtp').toMatchObject({ __typename: 'OtpSent' })
  return { phone, code: t.inbox.lastCodeFor(phone) }
}

describe('the attempts of one code', () => {
  it('burns the code at the first wrong guess when OTP_MAX_ATTEMPTS is 1', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '1' } })
    const { phone, code } = await pending(t)
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS', attemptsRemaining: 0 })
    expect(await t.verifyOtp(phone, code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('gives a new code its own OTP_MAX_ATTEMPTS tries after the old one burnt', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const first = await pending(t)
    await t.verifyOtp(first.phone, wrongCode(first.code))
    expect(await t.verifyOtp(first.phone, wrongCode(first.code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    const second = await pending(t, first.phone)
    expect(await t.verifyOtp(second.phone, wrongCode(second.code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect(await t.verifyOtp(second.phone, second.code)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('counts nothing more for tries against a code that is already burnt', async () => {
    const env = { OTP_MAX_ATTEMPTS: '2', OTP_MAX_FAILURES_PER_PHONE: '3', OTP_RESEND_COOLDOWN_SECONDS: '0' }
    const t = await createTestApp({ ...stores, env })
    const first = await pending(t)
    await t.verifyOtp(first.phone, wrongCode(first.code))
    await t.verifyOtp(first.phone, wrongCode(first.code))
    for (let i = 0; i < 4; i++) expect(await t.verifyOtp(first.phone, wrongCode(first.code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    // Two failures so far, so the new code still has the third one.
    const second = await pending(t, first.phone)
    expect(await t.verifyOtp(second.phone, wrongCode(second.code))).toMatchObject({ reason: 'INCORRECT' })
  })
})

describe('wrong codes per number (OTP_MAX_FAILURES_PER_PHONE)', () => {
  const env = {
    OTP_MAX_FAILURES_PER_PHONE: '3',
    OTP_MAX_ATTEMPTS: '2',
    OTP_FAILURE_WINDOW_SECONDS: '600',
    OTP_RESEND_COOLDOWN_SECONDS: '0',
  }

  /** Spends the number's three failures over two codes: burns the first, one try of the second. */
  async function capNumber(t: TestApp) {
    const first = await pending(t)
    await t.verifyOtp(first.phone, wrongCode(first.code))
    expect(await t.verifyOtp(first.phone, wrongCode(first.code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    const second = await pending(t, first.phone)
    expect(await t.verifyOtp(second.phone, wrongCode(second.code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    return second
  }

  it('keeps counting across new codes and then answers RateLimitedError for about OTP_FAILURE_WINDOW_SECONDS', async () => {
    const t = await createTestApp({ ...stores, env })
    const { phone, code } = await capNumber(t)
    const refused = await t.verifyOtp(phone, wrongCode(code))
    expect(refused).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' })
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(600)
    expect(refused.retryAfterSeconds).toBeGreaterThan(590)
  })

  it('refuses even the correct code of a newly requested code while the number is capped', async () => {
    const t = await createTestApp({ ...stores, env })
    const { phone } = await capNumber(t)
    const fresh = await pending(t, phone)
    expect(await t.verifyOtp(phone, fresh.code)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await stores.database.prisma.user.count({ where: { phone } })).toBe(0)
  })

  it('counts the wrong codes of a number whichever IP they come from', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, OTP_MAX_ATTEMPTS: '10' } })
    const { phone, code } = await pending(t)
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expect(await t.verifyOtp(phone, wrongCode(code), ip)).toMatchObject({ reason: 'INCORRECT' })
    }
    expect(await t.verifyOtp(phone, code, '198.51.100.4')).toMatchObject({ __typename: 'RateLimitedError' })
  })

  // Decision: a correct code is not a failure, so it neither counts towards the cap
  // nor resets it (a reset would let an attacker who also holds one real code, e.g. a
  // test number or their own earlier sign-in, start over).
  it('does not count a correct code as a failure', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, OTP_MAX_ATTEMPTS: '5' } })
    const first = await pending(t)
    await t.verifyOtp(first.phone, wrongCode(first.code))
    await t.verifyOtp(first.phone, wrongCode(first.code))
    expect(await t.verifyOtp(first.phone, first.code)).toMatchObject({ __typename: 'AuthSession' })
    const second = await pending(t, first.phone)
    expect(await t.verifyOtp(second.phone, wrongCode(second.code))).toMatchObject({ reason: 'INCORRECT' })
    expect(await t.verifyOtp(second.phone, second.code)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('does not count a malformed code as a failure', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, OTP_MAX_ATTEMPTS: '5' } })
    const { phone, code } = await pending(t)
    for (const malformed of ['', 'abcdef', '12345', '1234567']) await t.verifyOtp(phone, malformed)
    await t.verifyOtp(phone, wrongCode(code))
    await t.verifyOtp(phone, wrongCode(code))
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession' })
  })

  itReal('holds the cap when many wrong codes for one number arrive at once', ['redis'], async () => {
    const t = await createTestApp({ ...stores, env: { ...env, OTP_MAX_ATTEMPTS: '10' } })
    const { phone, code } = await pending(t)
    const ips = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 10}`)
    const answers = await Promise.all(ips.map((ip) => t.verifyOtp(phone, wrongCode(code), ip)))
    expect(answers.filter((answer) => answer.__typename === 'InvalidOtpError')).toHaveLength(3)
    expect(answers.filter((answer) => answer.__typename === 'RateLimitedError')).toHaveLength(9)
  })

  it('lifts the cap once OTP_FAILURE_WINDOW_SECONDS has passed', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, OTP_FAILURE_WINDOW_SECONDS: '1' } })
    const { phone, code } = await capNumber(t)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 1 })
    await sleep(1_200)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession' })
  })
})

describe('wrong codes per client IP (OTP_MAX_FAILURES_PER_IP)', () => {
  const env = { OTP_MAX_FAILURES_PER_IP: '3', OTP_FAILURE_WINDOW_SECONDS: '600' }

  /** Three numbers, one wrong code each, all from `ip`. */
  async function capIp(t: TestApp, ip: string) {
    for (let i = 0; i < 3; i++) {
      const { phone, code } = await pending(t)
      expect(await t.verifyOtp(phone, wrongCode(code), ip)).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 4 })
    }
  }

  it('answers RateLimitedError to the next verify from an IP whose wrong codes were spread over numbers', async () => {
    const t = await createTestApp({ ...stores, env })
    await capIp(t, attacker)
    const { phone, code } = await pending(t)
    const refused = await t.verifyOtp(phone, wrongCode(code), attacker)
    expect(refused).toMatchObject({ __typename: 'RateLimitedError' })
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(600)
    expect(refused.retryAfterSeconds).toBeGreaterThan(590)
  })

  it('still serves other IPs, and a refused guess costs the targeted number nothing', async () => {
    const t = await createTestApp({ ...stores, env })
    await capIp(t, attacker)
    const { phone, code } = await pending(t)
    await t.verifyOtp(phone, wrongCode(code), attacker)
    expect(await t.verifyOtp(phone, wrongCode(code), bystander)).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 4 })
    expect(await t.verifyOtp(phone, code, bystander)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('refuses even a correct code from an IP at its cap', async () => {
    const t = await createTestApp({ ...stores, env })
    await capIp(t, attacker)
    const { phone, code } = await pending(t)
    expect(await t.verifyOtp(phone, code, attacker)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('does not count correct, malformed or expired codes against the IP', async () => {
    const t = await createTestApp({ ...stores, env })
    for (let i = 0; i < 3; i++) {
      const { phone, code } = await pending(t)
      await t.verifyOtp(phone, 'abc', attacker)
      await t.verifyOtp(uniquePhone(), code, attacker)
      expect(await t.verifyOtp(phone, code, attacker)).toMatchObject({ __typename: 'AuthSession' })
    }
    await capIp(t, attacker)
  })

  it('counts addresses of one IPv6 /64 together', async () => {
    const t = await createTestApp({ ...stores, env })
    const addresses = ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:db8:7:1:ffff:ffff:ffff:ffff']
    for (const ip of addresses) {
      const { phone, code } = await pending(t)
      expect(await t.verifyOtp(phone, wrongCode(code), ip)).toMatchObject({ reason: 'INCORRECT' })
    }
    const { phone, code } = await pending(t)
    expect(await t.verifyOtp(phone, code, '2001:db8:7:1:abcd::9')).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('gives another IPv6 /64 its own budget', async () => {
    const t = await createTestApp({ ...stores, env })
    for (let i = 0; i < 3; i++) {
      const { phone, code } = await pending(t)
      await t.verifyOtp(phone, wrongCode(code), `2001:db8:7:2::${i + 1}`)
    }
    const { phone, code } = await pending(t)
    expect(await t.verifyOtp(phone, wrongCode(code), '2001:db8:7:3::1')).toMatchObject({ reason: 'INCORRECT' })
  })

  itReal('holds the cap when many wrong codes from one IP arrive at once', ['redis'], async () => {
    const t = await createTestApp({ ...stores, env })
    const targets = await Promise.all(Array.from({ length: 12 }, () => pending(t)))
    const answers = await Promise.all(targets.map(({ phone, code }) => t.verifyOtp(phone, wrongCode(code), attacker)))
    const counted = answers.filter((answer) => answer.__typename === 'InvalidOtpError')
    expect(counted).toHaveLength(3)
    expect(answers.filter((answer) => answer.__typename === 'RateLimitedError')).toHaveLength(9)
  })
})
