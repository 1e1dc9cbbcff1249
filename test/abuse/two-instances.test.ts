import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.ts'
import { createTestApp, uniquePhone, wrongCode, type TestApp } from '../helpers.ts'
import { confirmPhoneChange, requestPhoneChange } from '../support/phone-change.ts'
import { createTestDatabase, createTestRedis, describeReal, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 3, "Done when": the limits hold with two app instances sharing one Redis and
 * one PostgreSQL. Each instance here has its own Redis connection and its own database
 * pool, as two processes would; only the key prefix (REDIS_KEY_PREFIX) is the same.
 */

describeReal('two instances on one Redis and one PostgreSQL', ['redis', 'postgres'], () => {
  let database: TestDatabase
  const db: Database[] = []
  const redis: TestRedis[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    db.push(await database.open(), await database.open({ migrate: false }))
    redis.push(await createTestRedis(), await createTestRedis())
  })

  afterAll(async () => {
    // The first connection's prefix holds the shared keys, so its close() deletes them.
    for (const r of redis) await r.close()
    await database?.drop()
  })

  /** Instances A and B with the same settings and the same store prefix. */
  async function instances(env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
    const storePrefix = `${redis[0]!.keyPrefix}shared-${randomBytes(4).toString('hex')}:`
    const a = await createTestApp({ database: db[0]!, redis: redis[0]!, storePrefix, env })
    const b = await createTestApp({ database: db[1]!, redis: redis[1]!, storePrefix, env })
    return [a, b]
  }

  it('verifies on B a code requested on A, exactly once', async () => {
    const [a, b] = await instances()
    const phone = uniquePhone()
    await a.requestOtp(phone)
    const code = a.inbox.lastCodeFor(phone)
    expect(await b.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession', user: { phone } })
    expect(await a.verifyOtp(phone, code)).toMatchObject({ reason: 'EXPIRED' })
    expect(await b.verifyOtp(phone, code)).toMatchObject({ reason: 'EXPIRED' })
  })

  it('adds wrong attempts on A and B up to OTP_MAX_ATTEMPTS', async () => {
    const [a, b] = await instances({ OTP_MAX_ATTEMPTS: '4' })
    const phone = uniquePhone()
    await a.requestOtp(phone)
    const code = a.inbox.lastCodeFor(phone)
    expect(await a.verifyOtp(phone, wrongCode(code))).toMatchObject({ attemptsRemaining: 3 })
    expect(await b.verifyOtp(phone, wrongCode(code))).toMatchObject({ attemptsRemaining: 2 })
    expect(await a.verifyOtp(phone, wrongCode(code))).toMatchObject({ attemptsRemaining: 1 })
    expect(await b.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    expect(await a.verifyOtp(phone, code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('holds the resend cooldown across both', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '30' })
    const phone = uniquePhone()
    expect(await a.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
    expect(await b.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(b.inbox.messages).toHaveLength(0)
  })

  it('holds the per-number send cap across both', async () => {
    const [a, b] = await instances({ OTP_MAX_SENDS_PER_PHONE: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const phone = uniquePhone()
    expect(await a.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
    expect(await b.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
    expect(await a.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await b.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('holds the per-IP send cap across both', async () => {
    const [a, b] = await instances({ OTP_MAX_SENDS_PER_IP: '2' })
    const ip = '198.51.100.70'
    expect(await a.requestOtp(uniquePhone(), ip)).toMatchObject({ __typename: 'OtpSent' })
    expect(await b.requestOtp(uniquePhone(), ip)).toMatchObject({ __typename: 'OtpSent' })
    expect(await a.requestOtp(uniquePhone(), ip)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await b.requestOtp(uniquePhone(), ip)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('holds the global breaker across both', async () => {
    const [a, b] = await instances({ OTP_MAX_SENDS_GLOBAL: '2' })
    await a.requestOtp(uniquePhone(), '198.51.100.71')
    await b.requestOtp(uniquePhone(), '198.51.100.72')
    expect(await a.requestOtp(uniquePhone(), '198.51.100.73')).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await b.requestOtp(uniquePhone(), '198.51.100.74')).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('holds the per-IP failure cap across both', async () => {
    const [a, b] = await instances({ OTP_MAX_FAILURES_PER_IP: '2' })
    const ip = '198.51.100.75'
    const targets = []
    for (let i = 0; i < 3; i++) {
      const phone = uniquePhone()
      await a.requestOtp(phone)
      targets.push({ phone, code: a.inbox.lastCodeFor(phone) })
    }
    expect(await a.verifyOtp(targets[0]!.phone, wrongCode(targets[0]!.code), ip)).toMatchObject({ reason: 'INCORRECT' })
    expect(await b.verifyOtp(targets[1]!.phone, wrongCode(targets[1]!.code), ip)).toMatchObject({ reason: 'INCORRECT' })
    expect(await a.verifyOtp(targets[2]!.phone, targets[2]!.code, ip)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await b.verifyOtp(targets[2]!.phone, targets[2]!.code, ip)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('holds the per-number failure cap across both and across codes', async () => {
    const [a, b] = await instances({ OTP_MAX_FAILURES_PER_PHONE: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const phone = uniquePhone()
    await a.requestOtp(phone)
    await a.verifyOtp(phone, wrongCode(a.inbox.lastCodeFor(phone)))
    await b.requestOtp(phone)
    await b.verifyOtp(phone, wrongCode(b.inbox.lastCodeFor(phone)))
    await a.requestOtp(phone)
    expect(await b.verifyOtp(phone, a.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('gives exactly one session to concurrent verifies of one code split over both', async () => {
    const [a, b] = await instances()
    const phone = uniquePhone()
    await a.requestOtp(phone)
    const code = a.inbox.lastCodeFor(phone)
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).verifyOtp(phone, code)))
    expect(answers.filter((answer) => answer.__typename === 'AuthSession')).toHaveLength(1)
    expect(answers.filter((answer) => answer.reason === 'EXPIRED')).toHaveLength(11)
    expect(await db[0]!.prisma.session.count({ where: { user: { phone } } })).toBe(1)
  })

  it('holds the per-IP send cap under concurrent requests split over both', async () => {
    const [a, b] = await instances({ OTP_MAX_SENDS_PER_IP: '3' })
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).requestOtp(uniquePhone(), '198.51.100.76')))
    expect(answers.filter((answer) => answer.__typename === 'OtpSent')).toHaveLength(3)
    expect(a.inbox.messages.length + b.inbox.messages.length).toBe(3)
  })

  it('holds the per-IP failure cap under concurrent wrong codes split over both', async () => {
    const [a, b] = await instances({ OTP_MAX_FAILURES_PER_IP: '3' })
    const targets = await Promise.all(Array.from({ length: 12 }, async () => {
      const phone = uniquePhone()
      await a.requestOtp(phone)
      return { phone, code: a.inbox.lastCodeFor(phone) }
    }))
    const answers = await Promise.all(targets.map(({ phone, code }, i) => (i % 2 === 0 ? a : b).verifyOtp(phone, wrongCode(code), '198.51.100.77')))
    expect(answers.filter((answer) => answer.reason === 'INCORRECT')).toHaveLength(3)
    expect(answers.filter((answer) => answer.__typename === 'RateLimitedError')).toHaveLength(9)
  })

  it('holds the per-number send cap under concurrent requests split over both', async () => {
    const [a, b] = await instances({ OTP_MAX_SENDS_PER_PHONE: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const phone = uniquePhone()
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).requestOtp(phone, `198.51.100.${80 + i}`)))
    expect(answers.filter((answer) => answer.__typename === 'OtpSent')).toHaveLength(2)
    expect(a.inbox.countFor(phone) + b.inbox.countFor(phone)).toBe(2)
  })

  it('reauthenticates on B with a code requested on A', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const session = await a.signIn()
    await a.requestOtp(session.user.phone)
    const answer = await b.gql('mutation($otp: String!) { reauthenticate(otp: $otp) { __typename } }', { otp: a.inbox.lastCodeFor(session.user.phone) }, { headers: { authorization: `Bearer ${session.accessToken}` } })
    expect(answer.data?.reauthenticate).toEqual({ __typename: 'Reauthenticated' })
  })

  it('refuses on B, at once, the tokens of an account deleted on A', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const session = await a.signIn()
    const other = await b.signIn(session.user.phone)
    const bearer = { headers: { authorization: `Bearer ${session.accessToken}` } }
    expect((await a.gql('mutation { deleteAccount { __typename } }', {}, bearer)).data?.deleteAccount).toEqual({ __typename: 'AccountDeleted' })
    for (const token of [session.accessToken, other.accessToken]) {
      expect((await b.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${token}` } })).data?.me).toBeNull()
    }
  })

  it('confirms on B a phone change requested on A', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    const session = await a.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(a, session.accessToken, newPhone)
    const changed = await confirmPhoneChange(b, session.accessToken, newPhone, a.inbox.lastCodeFor(newPhone))
    expect(changed).toEqual({ __typename: 'PhoneChanged', user: { id: session.user.id, phone: newPhone } })
  })

  it('gives a number to exactly one of two accounts moving to it at once on A and B', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    for (let round = 0; round < 5; round++) {
      const [first, second] = [await a.signIn(), await b.signIn()]
      const newPhone = uniquePhone()
      await requestPhoneChange(a, first.accessToken, newPhone)
      await requestPhoneChange(b, second.accessToken, newPhone)
      const answers = await Promise.all([
        confirmPhoneChange(a, first.accessToken, newPhone, a.inbox.lastCodeFor(newPhone)),
        confirmPhoneChange(b, second.accessToken, newPhone, b.inbox.lastCodeFor(newPhone)),
      ])
      expect(answers.map((answer) => answer.__typename).sort()).toEqual(['PhoneChanged', 'PhoneInUseError'])
      expect(await a.deps.prisma.user.count({ where: { phone: newPhone } })).toBe(1)
    }
  })

  it('leaves one account with the number when a move on A races a sign-up on B', async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    for (let round = 0; round < 5; round++) {
      const mover = await a.signIn()
      const newPhone = uniquePhone()
      await requestPhoneChange(a, mover.accessToken, newPhone)
      await b.requestOtp(newPhone)
      const [moved, signedIn] = await Promise.all([
        confirmPhoneChange(a, mover.accessToken, newPhone, a.inbox.lastCodeFor(newPhone)),
        b.verifyOtp(newPhone, b.inbox.lastCodeFor(newPhone)),
      ])
      const holder = await a.deps.prisma.user.findMany({ where: { phone: newPhone }, select: { id: true } })
      expect(holder).toHaveLength(1)
      // Whoever committed first holds it; the other sees that account or PHONE_IN_USE.
      if (moved.__typename === 'PhoneChanged') expect(signedIn).toMatchObject({ isNewUser: false, user: { id: mover.user.id } })
      else expect(moved.__typename).toBe('PhoneInUseError')
      expect(signedIn.user.id).toBe(holder[0]!.id)
    }
  })

  it("refuses on A, at once, the tokens of a dormant account whose number B released", async () => {
    const [a, b] = await instances({ OTP_RESEND_COOLDOWN_SECONDS: '0', DORMANT_ACCOUNT_DAYS: '30', ACCESS_TOKEN_TTL_SECONDS: String(60 * 86_400) })
    const dormant = await a.signIn()
    for (const app of [a, b]) app.clock.advanceSeconds(31 * 86_400)
    expect(await b.signIn(dormant.user.phone)).toMatchObject({ isNewUser: true })
    expect((await a.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${dormant.accessToken}` } })).data?.me).toBeNull()
  })

  it('judges a pumped range from the sends of both instances together', async () => {
    const [a, b] = await instances({ PUMPING_MIN_SENDS: '20', PUMPING_MIN_CONVERSION: '0.2' })
    const answers: string[] = []
    for (let i = 0; i < 40; i++) {
      const phone = `+917013${String(100000 + i)}`
      answers.push((await (i % 2 === 0 ? a : b).requestOtp(phone, `198.18.7.${i + 1}`)).__typename)
    }
    expect(answers.filter((answer) => answer === 'OtpSent')).toHaveLength(19)
    expect(answers.slice(19).every((answer) => answer === 'RateLimitedError')).toBe(true)
  })
})
