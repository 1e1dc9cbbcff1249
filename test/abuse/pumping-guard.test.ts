import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'
import { memoryLog } from '../support/memory-log.ts'

/**
 * The SMS-pumping guard: per destination prefix it counts distinct numbers sent a code
 * and distinct numbers that verified one; a prefix whose conversion falls below
 * PUMPING_MIN_CONVERSION once PUMPING_MIN_SENDS numbers were sent is suspect, and its
 * sends are refused (no CAPTCHA configured). Everyone else is untouched.
 */

const stores = useTestStores()
const guardEnv = { PUMPING_MIN_SENDS: '20', PUMPING_MIN_CONVERSION: '0.2', OTP_RESEND_COOLDOWN_SECONDS: '0', TRUST_PROXY: '1' }
const attackedPrefix = '+917012'

/** A number of the attacked range: +91 7012 xxxxxx. */
const attackedNumber = () => `${attackedPrefix}${String(randomInt(0, 1e6)).padStart(6, '0')}`
let ipCounter = 0
/** Every bot request from its own address, as a botnet's would be. */
const botAddress = () => `198.18.${Math.floor(++ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`

async function app(env: Record<string, string> = {}) {
  const log = memoryLog('info')
  const t = await createTestApp({ ...stores, logger: log.logger, env: { ...guardEnv, ...env } })
  return { t, log }
}

async function botRequest(t: TestApp, phone = attackedNumber()) {
  const query = `mutation($p: String!) { requestOtp(phone: $p) { __typename ... on RateLimitedError { retryAfterSeconds } } }`
  const answer = await t.gql(query, { p: phone }, { headers: { 'x-forwarded-for': botAddress() } })
  return answer.data?.requestOtp
}

const sentToAttackedRange = (t: TestApp) => t.inbox.messages.filter((m) => m.phone.startsWith(attackedPrefix)).length

describe('the SMS-pumping guard', () => {
  it('stops an attack on one range from many addresses within PUMPING_MIN_SENDS, while real users elsewhere sign in', async () => {
    const { t, log } = await app()
    const realUsers: unknown[] = []
    for (let i = 0; i < 60; i++) {
      await botRequest(t)
      if (i % 6 === 0) realUsers.push(await t.signIn(uniquePhone()))
    }
    expect(sentToAttackedRange(t)).toBeLessThanOrEqual(20)
    expect(await botRequest(t)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(realUsers.every((session) => (session as { __typename: string }).__typename === 'AuthSession')).toBe(true)
    const blockLine = log.entries().find((entry) => entry.event === 'pumping.prefix_suspect')
    expect(blockLine).toMatchObject({ prefix: attackedPrefix, country: 'IN' })
    expect(await t.deps.metrics.registry.metrics()).toMatch(/phone_auth_pumping_suspect_prefixes_total\{country="IN"\} 1/)
    await t.events.flush()
    expect(await t.deps.prisma.authEvent.count({ where: { type: 'pumping_suspected', detail: attackedPrefix } })).toBeGreaterThanOrEqual(1)
  })

  it('counts, logs and never refuses in monitor mode', async () => {
    const { t, log } = await app({ PUMPING_GUARD: 'monitor' })
    for (let i = 0; i < 30; i++) expect(await botRequest(t)).toMatchObject({ __typename: 'OtpSent' })
    expect(log.entries().some((entry) => entry.event === 'pumping.prefix_suspect')).toBe(true)
  })

  it('never judges a range whose numbers verify their codes', async () => {
    const { t } = await app()
    for (let i = 0; i < 30; i++) {
      const phone = attackedNumber()
      await botRequest(t, phone)
      if (i % 3 === 0) await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))
    }
    expect(await botRequest(t)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('counts resends of one number once', async () => {
    const { t } = await app()
    const phone = attackedNumber()
    for (let i = 0; i < 30; i++) expect(await botRequest(t, phone)).toMatchObject({ __typename: expect.stringMatching(/OtpSent|RateLimitedError/) })
    const fresh = attackedNumber()
    expect(await botRequest(t, fresh)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('lets a code sent before the range became suspect still verify', async () => {
    const { t } = await app()
    const early = attackedNumber()
    await botRequest(t, early)
    for (let i = 0; i < 25; i++) await botRequest(t)
    expect(await botRequest(t)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.verifyOtp(early, t.inbox.lastCodeFor(early))).toMatchObject({ __typename: 'AuthSession' })
  })

  it('exempts test numbers', async () => {
    const { t } = await app({ TEST_PHONE_NUMBERS: `${attackedPrefix}000000:123456` })
    for (let i = 0; i < 25; i++) await botRequest(t)
    expect(await t.requestOtp(`${attackedPrefix}000000`)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('counts nothing when off', async () => {
    const { t } = await app({ PUMPING_GUARD: 'off' })
    for (let i = 0; i < 30; i++) expect(await botRequest(t)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('answers SERVICE_UNAVAILABLE when its counters cannot be asked, and sends nothing', async () => {
    const { t } = await app()
    t.deps.pumping.recordSend = () => Promise.reject(new ServiceUnavailableError('redis'))
    const phone = uniquePhone()
    const answer = await t.gql('mutation($p: String!) { requestOtp(phone: $p) { __typename } }', { p: phone })
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE'])
    expect(t.inbox.countFor(phone)).toBe(0)
  })

  it('never refuses a correct code because a verification could not be counted', async () => {
    const { t } = await app()
    const phone = uniquePhone()
    await t.requestOtp(phone)
    t.deps.pumping.recordVerified = () => Promise.reject(new ServiceUnavailableError('redis'))
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession' })
  })
})
