import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.ts'
import { createTestApp, uniquePhone, wrongCode, type TestApp } from '../helpers.ts'
import { createTestDatabase, createTestRedis, describeReal, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Scaling out: three stateless instances behind a round-robin balancer with no
 * stickiness, each with its own Redis connection and database pool. Limits hold in
 * total, any instance honours a token, a revocation on one is immediate on all, and
 * nothing is accepted twice.
 */

describeReal('three instances, round-robin, one Redis and one PostgreSQL', ['redis', 'postgres'], () => {
  let database: TestDatabase
  const pools: Database[] = []
  const redis: TestRedis[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    pools.push(await database.open(), await database.open({ migrate: false }), await database.open({ migrate: false }))
    redis.push(await createTestRedis(), await createTestRedis(), await createTestRedis())
  })

  afterAll(async () => {
    for (const r of redis) await r.close()
    await database?.drop()
  })

  /** Three instances and a balancer that hands each request to the next one. */
  async function balanced(env: Record<string, string> = {}) {
    const storePrefix = `${redis[0]!.keyPrefix}rr-${randomBytes(4).toString('hex')}:`
    const instances: TestApp[] = []
    for (let i = 0; i < 3; i++) instances.push(await createTestApp({ database: pools[i]!, redis: redis[i]!, storePrefix, env }))
    let next = 0
    const pick = () => instances[next++ % instances.length]!
    const codeFor = (phone: string) => instances.map((i) => i.inbox.messages.filter((m) => m.phone === phone)).flat().at(-1)!.code
    return { instances, pick, codeFor }
  }

  it('holds the per-IP send cap in total', async () => {
    const { pick, instances } = await balanced({ OTP_MAX_SENDS_PER_IP: '6' })
    const answers = []
    for (let i = 0; i < 12; i++) answers.push((await pick().requestOtp(uniquePhone(), '198.51.100.33')).__typename)
    expect(answers.filter((a) => a === 'OtpSent')).toHaveLength(6)
    expect(instances.reduce((sum, i) => sum + i.inbox.messages.length, 0)).toBe(6)
  })

  it('burns a code after OTP_MAX_ATTEMPTS wrong tries spread over all three', async () => {
    const { pick, codeFor } = await balanced({ OTP_MAX_ATTEMPTS: '3' })
    const phone = uniquePhone()
    await pick().requestOtp(phone)
    const code = codeFor(phone)
    for (let i = 0; i < 3; i++) await pick().verifyOtp(phone, wrongCode(code))
    expect(await pick().verifyOtp(phone, code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('accepts a code once when all three are asked at once', async () => {
    const { instances, pick, codeFor } = await balanced()
    const phone = uniquePhone()
    await pick().requestOtp(phone)
    const code = codeFor(phone)
    const answers = await Promise.all(instances.flatMap((i) => [i.verifyOtp(phone, code), i.verifyOtp(phone, code)]))
    expect(answers.filter((a) => a.__typename === 'AuthSession')).toHaveLength(1)
  })

  it('honours a token on every instance and revokes it on every instance at once', async () => {
    const { instances, pick, codeFor } = await balanced()
    const phone = uniquePhone()
    await pick().requestOtp(phone)
    const session = await pick().verifyOtp(phone, codeFor(phone))
    const bearer = { headers: { authorization: `Bearer ${session.accessToken}` } }
    for (const i of instances) expect((await i.gql('{ me { id } }', {}, bearer)).data?.me).toEqual({ id: session.user.id })
    await pick().gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken })
    for (const i of instances) expect((await i.gql('{ me { id } }', {}, bearer)).data?.me).toBeNull()
  })
})
