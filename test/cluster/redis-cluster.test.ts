import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.ts'
import { openRedis } from '../../src/redis/open.ts'
import { createTestApp, uniquePhone, wrongCode, type TestApp } from '../helpers.ts'
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.ts'
import { createTestDatabase, describeReal, type TestDatabase } from '../support/services.ts'

/**
 * REDIS_CLUSTER_NODES against a real three-master Redis Cluster: every limit and every
 * script works with the keys of one phone in one slot, also after the scripts are
 * flushed and while the slot of a pending code moves to another master.
 */

describeReal('on a real Redis Cluster of three masters', ['redis', 'postgres'], () => {
  let cluster: RedisCluster
  let client: Redis
  let database: TestDatabase
  let db: Database

  beforeAll(async () => {
    cluster = await startRedisCluster()
    client = (await openRedis({ redisUrl: undefined, redisClusterNodes: cluster.nodes })).redis as Redis
    database = await createTestDatabase()
    db = await database.open()
  }, 60_000)

  afterAll(async () => {
    client?.disconnect()
    await cluster?.stop()
    await database?.drop()
  })

  async function app(env: Record<string, string> = {}): Promise<TestApp> {
    return createTestApp({ database: db, redis: { redis: client, keyPrefix: 'cluster:', close: async () => {} }, env })
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

  it('signs in, refreshes and revokes', async () => {
    const t = await app()
    const session = await t.signIn()
    expect(session).toMatchObject({ __typename: 'AuthSession', isNewUser: true })
    const refreshed = (await t.gql('mutation($t: String!) { refreshSession(refreshToken: $t) { __typename ... on AuthSession { accessToken refreshToken } } }', { t: session.refreshToken })).data?.refreshSession
    expect(refreshed.__typename).toBe('AuthSession')
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: refreshed.refreshToken })
    expect((await t.gql('{ me { id } }', {}, bearer(refreshed.accessToken))).data?.me).toBeNull()
  })

  it('gives exactly one session to 20 concurrent verifies of one code', async () => {
    const t = await app()
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.verifyOtp(phone, code)))
    expect(answers.filter((answer) => answer.__typename === 'AuthSession')).toHaveLength(1)
  })

  it('holds the cooldown, the attempt cap, the failure caps and the IP send cap', async () => {
    const t = await app({ OTP_MAX_ATTEMPTS: '2', OTP_MAX_FAILURES_PER_IP: '3', OTP_MAX_SENDS_PER_IP: '3' })
    const phone = uniquePhone()
    await t.requestOtp(phone, '198.51.100.20')
    expect(await t.requestOtp(phone, '198.51.100.20')).toMatchObject({ __typename: 'RateLimitedError' })
    const code = t.inbox.lastCodeFor(phone)
    expect(await t.verifyOtp(phone, wrongCode(code), '198.51.100.20')).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect(await t.verifyOtp(phone, wrongCode(code), '198.51.100.20')).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    const other = uniquePhone()
    await t.requestOtp(other, '198.51.100.20')
    await t.verifyOtp(other, wrongCode(t.inbox.lastCodeFor(other)), '198.51.100.20')
    expect(await t.verifyOtp(other, t.inbox.lastCodeFor(other), '198.51.100.20')).toMatchObject({ __typename: 'RateLimitedError' })
    await t.requestOtp(uniquePhone(), '198.51.100.20')
    expect(await t.requestOtp(uniquePhone(), '198.51.100.20')).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it("keeps every key of one phone in one slot", async () => {
    const t = await app()
    const session = await t.signIn()
    const phone = session.user.phone
    await t.gql('mutation($p: String!) { requestPhoneChange(newPhone: $p) { __typename } }', { p: phone.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10)) }, bearer(session.accessToken))
    await t.requestOtp(phone)
    const keys = (await Promise.all(cluster.nodes.map(async ({ port }) => (await openNode(port)).keys(`*{${phone}}*`)))).flat()
    expect(keys.length).toBeGreaterThanOrEqual(2)
    const slots = new Set(await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key))))
    expect(slots.size).toBe(1)
  })

  it('loads its scripts again after SCRIPT FLUSH', async () => {
    const t = await app()
    await cluster.flushScripts()
    expect(await t.signIn()).toMatchObject({ __typename: 'AuthSession' })
  })

  it("follows a pending code's slot to another master: the code verifies, the cooldown holds", async () => {
    const t = await app()
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const slot = (await client.cluster('KEYSLOT', `cluster:{${phone}}:otp`)) as number
    await cluster.moveSlot(slot)
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession' })
  })

  const opened: Redis[] = []
  async function openNode(port: number): Promise<Redis> {
    const { Redis: RedisClient } = await import('ioredis')
    const node = new RedisClient(port, '127.0.0.1')
    opened.push(node)
    return node
  }
  afterAll(() => opened.forEach((node) => node.disconnect()))
})
