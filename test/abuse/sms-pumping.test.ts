import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createTestApp, requestOtpMutation, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'

/**
 * Issue 3, "SMS pumping and cost": caps per number, per client IP (as far as
 * TRUST_PROXY allows X-Forwarded-For) and across the service; the country allowlist;
 * the IP check first, so that a refused request costs the person it names nothing.
 */

const stores = useTestStores()
const attacker = '198.51.100.30'
const victimIp = '203.0.113.60'
const proxy = '10.0.0.2'

/** The send window these tests use, long enough that no window ends mid-test. */
const window = '600'

function expectHonestRetry(answer: any, windowSeconds: number) {
  expect(answer).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' })
  expect(answer.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds)
  expect(answer.retryAfterSeconds).toBeGreaterThan(windowSeconds - 5)
}

async function requestVia(t: TestApp, phone: string, ip: string, forwardedFor?: string) {
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
  return (await t.gql(requestOtpMutation, { phone }, { ip, headers })).data?.requestOtp
}

describe('per number (OTP_MAX_SENDS_PER_PHONE)', () => {
  it('refuses the send after the cap within the window with an honest retryAfterSeconds', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_PHONE: '3', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const phone = uniquePhone()
    for (let i = 0; i < 3; i++) expect(await t.requestOtp(phone, `198.51.100.${i + 1}`)).toMatchObject({ __typename: 'OtpSent' })
    expectHonestRetry(await t.requestOtp(phone, '198.51.100.9'), 600)
    expect(t.inbox.countFor(phone)).toBe(3)
  })

  it('leaves the pending code usable when the send cap refuses a resend', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_PHONE: '1', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    await t.verifyOtp(phone, wrongCode(code))
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 3 })
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('lifts the cap once OTP_SEND_WINDOW_SECONDS has passed', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_PHONE: '1', OTP_SEND_WINDOW_SECONDS: '1', OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 1 })
    await sleep(1_200)
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
  })
})

describe('per client IP (OTP_MAX_SENDS_PER_IP)', () => {
  const env = { OTP_MAX_SENDS_PER_IP: '3', OTP_SEND_WINDOW_SECONDS: window }

  it('refuses a fourth number from one IP with an honest retryAfterSeconds, and serves another IP', async () => {
    const t = await createTestApp({ ...stores, env })
    for (let i = 0; i < 3; i++) expect(await t.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'OtpSent' })
    expectHonestRetry(await t.requestOtp(uniquePhone(), attacker), 600)
    expect(await t.requestOtp(uniquePhone(), victimIp)).toMatchObject({ __typename: 'OtpSent' })
    expect(t.inbox.messages).toHaveLength(4)
  })

  it('counts addresses of one IPv6 /64 together and another /64 apart', async () => {
    const t = await createTestApp({ ...stores, env })
    for (const ip of ['2001:db8:5:1::1', '2001:db8:5:1::2', '2001:db8:5:1:ffff::3']) await t.requestOtp(uniquePhone(), ip)
    expect(await t.requestOtp(uniquePhone(), '2001:db8:5:1:1:2:3:4')).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.requestOtp(uniquePhone(), '2001:db8:5:2::1')).toMatchObject({ __typename: 'OtpSent' })
  })

  it("neither replaces nor burns someone's pending code when the IP is over its cap", async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_IP: '1', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const victim = uniquePhone()
    await t.requestOtp(victim, victimIp)
    const code = t.inbox.lastCodeFor(victim)
    await t.verifyOtp(victim, wrongCode(code), victimIp)
    await t.requestOtp(uniquePhone(), attacker)
    for (let i = 0; i < 3; i++) expect(await t.requestOtp(victim, attacker)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(t.inbox.countFor(victim)).toBe(1)
    expect(await t.verifyOtp(victim, wrongCode(code), victimIp)).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 3 })
    expect(await t.verifyOtp(victim, code, victimIp)).toMatchObject({ __typename: 'AuthSession' })
  })

  it("costs nothing of the number's own send budget when the IP is over its cap", async () => {
    const env = { OTP_MAX_SENDS_PER_IP: '1', OTP_MAX_SENDS_PER_PHONE: '2', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '0' }
    const t = await createTestApp({ ...stores, env })
    const victim = uniquePhone()
    await t.requestOtp(victim, victimIp)
    await t.requestOtp(uniquePhone(), attacker)
    for (let i = 0; i < 3; i++) await t.requestOtp(victim, attacker)
    expect(await t.requestOtp(victim, '203.0.113.61')).toMatchObject({ __typename: 'OtpSent' })
    expect(await t.requestOtp(victim, '203.0.113.62')).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('gives the IP budget back when the resend cooldown refuses a request', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_IP: '2', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '30' } })
    const phone = uniquePhone()
    await t.requestOtp(phone, attacker)
    expect(await t.requestOtp(phone, attacker)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'OtpSent' })
    expect(await t.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('gives the IP budget back when the per-number cap refuses a request', async () => {
    const env = { OTP_MAX_SENDS_PER_IP: '2', OTP_MAX_SENDS_PER_PHONE: '1', OTP_SEND_WINDOW_SECONDS: window, OTP_RESEND_COOLDOWN_SECONDS: '0' }
    const t = await createTestApp({ ...stores, env })
    const phone = uniquePhone()
    await t.requestOtp(phone, attacker)
    for (let i = 0; i < 3; i++) expect(await t.requestOtp(phone, attacker)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'OtpSent' })
  })
})

describe('across the service (OTP_MAX_SENDS_GLOBAL)', () => {
  it('refuses every IP once the global breaker is reached, with an honest retryAfterSeconds', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_GLOBAL: '3', OTP_SEND_WINDOW_SECONDS: window } })
    for (let i = 0; i < 3; i++) expect(await t.requestOtp(uniquePhone(), `198.51.100.${i + 40}`)).toMatchObject({ __typename: 'OtpSent' })
    expectHonestRetry(await t.requestOtp(uniquePhone(), '198.51.100.99'), 600)
    expect(t.inbox.messages).toHaveLength(3)
  })

  it('does not spend the IP budget on a request the global breaker refused', async () => {
    // Two apps on the same keys: one with the breaker, one without it, so the IP's own
    // counter can be read after the breaker refused.
    const storePrefix = `${stores.redis.keyPrefix}breaker-${randomUUID()}:`
    const ipCap = { OTP_MAX_SENDS_PER_IP: '1', OTP_SEND_WINDOW_SECONDS: window }
    const withBreaker = await createTestApp({ ...stores, storePrefix, env: { ...ipCap, OTP_MAX_SENDS_GLOBAL: '1' } })
    const withoutBreaker = await createTestApp({ ...stores, storePrefix, env: ipCap })
    await withBreaker.requestOtp(uniquePhone(), victimIp)
    expect(await withBreaker.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await withoutBreaker.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'OtpSent' })
    expect(await withoutBreaker.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'RateLimitedError' })
  })
})

describe('client IP behind proxies (TRUST_PROXY)', () => {
  const env = { OTP_MAX_SENDS_PER_IP: '1', OTP_SEND_WINDOW_SECONDS: window }

  it('ignores X-Forwarded-For with TRUST_PROXY=0, so a spoofed header gives no fresh budget', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, TRUST_PROXY: '0' } })
    expect(await requestVia(t, uniquePhone(), attacker, '192.0.2.1')).toMatchObject({ __typename: 'OtpSent' })
    expect(await requestVia(t, uniquePhone(), attacker, '192.0.2.2')).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await requestVia(t, uniquePhone(), attacker)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('counts the rightmost X-Forwarded-For entry with TRUST_PROXY=1, whatever the client adds on the left', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, TRUST_PROXY: '1' } })
    expect(await requestVia(t, uniquePhone(), proxy, `192.0.2.1, ${attacker}`)).toMatchObject({ __typename: 'OtpSent' })
    expect(await requestVia(t, uniquePhone(), proxy, `192.0.2.2, ${attacker}`)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await requestVia(t, uniquePhone(), proxy, attacker)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('gives each client behind the trusted proxy its own budget with TRUST_PROXY=1', async () => {
    const t = await createTestApp({ ...stores, env: { ...env, TRUST_PROXY: '1' } })
    expect(await requestVia(t, uniquePhone(), proxy, attacker)).toMatchObject({ __typename: 'OtpSent' })
    expect(await requestVia(t, uniquePhone(), proxy, victimIp)).toMatchObject({ __typename: 'OtpSent' })
  })
})

describe('client IP behind trusted proxy CIDRs (TRUST_PROXY=10.0.0.0/8)', () => {
  const env = { OTP_MAX_SENDS_PER_IP: '1', OTP_SEND_WINDOW_SECONDS: window, TRUST_PROXY: '10.0.0.0/8' }

  it('counts the first untrusted entry from the right, whatever the client adds on the left', async () => {
    const t = await createTestApp({ ...stores, env })
    expect(await requestVia(t, uniquePhone(), proxy, `192.0.2.1, ${attacker}, 10.0.0.9`)).toMatchObject({ __typename: 'OtpSent' })
    expect(await requestVia(t, uniquePhone(), proxy, `192.0.2.2, ${attacker}, 10.0.0.9`)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await requestVia(t, uniquePhone(), proxy, `${victimIp}, 10.0.0.9`)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('ignores X-Forwarded-For from a peer outside the trusted ranges', async () => {
    const t = await createTestApp({ ...stores, env })
    expect(await requestVia(t, uniquePhone(), attacker, '192.0.2.1')).toMatchObject({ __typename: 'OtpSent' })
    expect(await requestVia(t, uniquePhone(), attacker, '192.0.2.2')).toMatchObject({ __typename: 'RateLimitedError' })
  })
})

describe('country allowlist (ALLOWED_COUNTRIES)', () => {
  const foreign = '+447400123456'

  it('refuses a valid number of a country not served before any SMS or counter', async () => {
    const env = { OTP_MAX_SENDS_PER_IP: '1', OTP_MAX_SENDS_GLOBAL: '1', OTP_SEND_WINDOW_SECONDS: window }
    const t = await createTestApp({ ...stores, env })
    for (let i = 0; i < 3; i++) {
      const refused = await t.requestOtp(foreign, attacker)
      expect(refused).toMatchObject({ __typename: 'InvalidPhoneError', code: 'INVALID_PHONE' })
      expect(refused.message).toMatch(/not served/)
    }
    expect(t.inbox.messages).toHaveLength(0)
    expect(await t.requestOtp(uniquePhone(), attacker)).toMatchObject({ __typename: 'OtpSent' })
  })

  it("accepts that number with ALLOWED_COUNTRIES='*'", async () => {
    const t = await createTestApp({ ...stores, env: { ALLOWED_COUNTRIES: '*' } })
    expect(await t.requestOtp(foreign)).toMatchObject({ __typename: 'OtpSent', phone: foreign })
    expect(t.inbox.countFor(foreign)).toBe(1)
  })

  it('accepts the countries listed and still refuses the others', async () => {
    const t = await createTestApp({ ...stores, env: { ALLOWED_COUNTRIES: 'IN,GB' } })
    expect(await t.requestOtp(foreign)).toMatchObject({ __typename: 'OtpSent' })
    expect(await t.requestOtp('+4915123456789')).toMatchObject({ __typename: 'InvalidPhoneError' })
  })
})
