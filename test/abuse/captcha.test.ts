import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'
import { memoryLog } from '../support/memory-log.ts'
import { fakeHostname, startFakeSiteverify, type FakeProvider, type FakeSiteverify } from '../support/fake-siteverify.ts'

/**
 * CAPTCHA_PROVIDER: every send needs a token the provider's siteverify accepts, checked
 * with the client's IP before any send limit is spent or any SMS sent. Each provider's
 * own answer format is served by a local fake (CAPTCHA_VERIFY_URL).
 */

const stores = useTestStores()
const secret = 'captcha-secret-0123456789'
const request = `mutation($phone: String!, $token: String) { requestOtp(phone: $phone, captchaToken: $token) {
  __typename ... on Error { code } ... on RateLimitedError { retryAfterSeconds } } }`
let tokenCounter = 0
const token = (kind = 'pass') => `${kind}-${++tokenCounter}-${Date.now()}`

describe.each<FakeProvider>(['turnstile', 'hcaptcha', 'recaptcha'])('CAPTCHA with %s', (provider) => {
  let fake: FakeSiteverify
  beforeAll(async () => {
    fake = await startFakeSiteverify(provider, secret)
  })
  afterAll(async () => fake.close())

  async function app(env: Record<string, string> = {}) {
    const log = memoryLog('info')
    const t = await createTestApp({
      ...stores,
      logger: log.logger,
      env: { CAPTCHA_PROVIDER: provider, CAPTCHA_SECRET_KEY: secret, CAPTCHA_VERIFY_URL: fake.url, CAPTCHA_TIMEOUT_MS: '500', ...env },
    })
    const ask = async (phone: string, captchaToken?: string, ip = '203.0.113.7') =>
      (await t.gql(request, { phone, token: captchaToken }, { ip })).data?.requestOtp
    return { t, log, ask }
  }

  it('sends a code for a valid token, checked with the secret and the client IP', async () => {
    const { t, ask } = await app()
    const phone = uniquePhone()
    const passing = token()
    expect(await ask(phone, passing, '203.0.113.9')).toEqual({ __typename: 'OtpSent' })
    expect(fake.calls.at(-1)).toEqual({ secret, response: passing, remoteip: '203.0.113.9', contentType: 'application/x-www-form-urlencoded' })
    expect(t.inbox.countFor(phone)).toBe(1)
  })

  it('refuses a missing token with CaptchaRequiredError, without a call, an SMS or a spent send limit', async () => {
    const { t, ask } = await app({ OTP_MAX_SENDS_PER_IP: '1' })
    const phone = uniquePhone()
    const callsBefore = fake.calls.length
    expect(await ask(phone)).toEqual({ __typename: 'CaptchaRequiredError', code: 'CAPTCHA_REQUIRED' })
    expect(fake.calls).toHaveLength(callsBefore)
    expect(t.inbox.countFor(phone)).toBe(0)
    // The one send this IP may make is still there.
    expect(await ask(phone, token())).toEqual({ __typename: 'OtpSent' })
  })

  it.each([
    ['invalid', 'bad'],
    ['already used', 'reused'],
  ])('refuses a token the provider calls %s', async (_name, kind) => {
    const { t, ask } = await app()
    const phone = uniquePhone()
    const used = token(kind)
    if (kind === 'reused') await ask(uniquePhone(), used)
    expect(await ask(phone, used)).toMatchObject({ __typename: 'CaptchaRequiredError' })
    expect(t.inbox.countFor(phone)).toBe(0)
  })

  it('judges a score against CAPTCHA_MIN_SCORE for reCAPTCHA only', async () => {
    const { ask } = await app()
    const answer = await ask(uniquePhone(), token('low'))
    expect(answer.__typename).toBe(provider === 'recaptcha' ? 'CaptchaRequiredError' : 'OtpSent')
  })

  it('checks CAPTCHA_EXPECTED_HOSTNAME when set', async () => {
    const { ask } = await app({ CAPTCHA_EXPECTED_HOSTNAME: fakeHostname })
    expect(await ask(uniquePhone(), token('host'))).toMatchObject({ __typename: 'CaptchaRequiredError' })
    expect(await ask(uniquePhone(), token())).toEqual({ __typename: 'OtpSent' })
  })

  it.each([
    ['outlasts CAPTCHA_TIMEOUT_MS', 'slow'],
    ['answers HTTP 500', 'err'],
  ])('fails closed when siteverify %s, and counts it', async (_name, kind) => {
    const { t, ask, log } = await app()
    const phone = uniquePhone()
    expect(await ask(phone, token(kind))).toMatchObject({ __typename: 'CaptchaRequiredError' })
    expect(t.inbox.countFor(phone)).toBe(0)
    expect(await t.deps.metrics.registry.metrics()).toMatch(/phone_auth_captcha_checks_total\{outcome="unavailable"\} 1/)
    expect(log.text()).not.toContain(secret)
  })

  it.each([
    ['over 4 kB', 'x'.repeat(4097)],
    ['with characters no provider issues', 'pass token with spaces'],
  ])('refuses a token %s without calling the provider', async (_name, badToken) => {
    const { ask } = await app()
    const callsBefore = fake.calls.length
    expect(await ask(uniquePhone(), badToken)).toMatchObject({ __typename: 'CaptchaRequiredError' })
    expect(fake.calls).toHaveLength(callsBefore)
  })

  it('caps siteverify calls per client IP (CAPTCHA_MAX_CHECKS_PER_IP)', async () => {
    const { ask } = await app({ CAPTCHA_MAX_CHECKS_PER_IP: '2' })
    await ask(uniquePhone(), token('bad'), '198.51.100.4')
    await ask(uniquePhone(), token('bad'), '198.51.100.4')
    const callsBefore = fake.calls.length
    expect(await ask(uniquePhone(), token(), '198.51.100.4')).toMatchObject({ __typename: 'RateLimitedError' })
    expect(fake.calls).toHaveLength(callsBefore)
    expect(await ask(uniquePhone(), token(), '198.51.100.5')).toEqual({ __typename: 'OtpSent' })
  })

  it('exempts test numbers', async () => {
    const { ask } = await app({ TEST_PHONE_NUMBERS: '+15555550100:123456' })
    expect(await ask('+15555550100')).toEqual({ __typename: 'OtpSent' })
  })

  it('guards requestPhoneChange too', async () => {
    const { t, ask } = await app({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const phone = uniquePhone()
    await ask(phone, token())
    const session = await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))
    const change = `mutation($p: String!, $token: String) { requestPhoneChange(newPhone: $p, captchaToken: $token) { __typename } }`
    const bearer = { headers: { authorization: `Bearer ${session.accessToken}` } }
    expect((await t.gql(change, { p: uniquePhone() }, bearer)).data?.requestPhoneChange).toEqual({ __typename: 'CaptchaRequiredError' })
    expect((await t.gql(change, { p: uniquePhone(), token: token() }, bearer)).data?.requestPhoneChange).toEqual({ __typename: 'OtpSent' })
  })
})
