import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/config.ts'
import { startFakeMsg91, type FakeMsg91 } from '../scripts/bench/fake-msg91.ts'
import { openFloor } from '../scripts/bench/floor.ts'
import { floorLimits, serviceLimitEnvironment } from '../scripts/bench/limits.ts'
import { createTestDatabase, createTestRedis, describeReal, realRedisUrl, type TestDatabase, type TestRedis } from './support/services.ts'

/**
 * The benchmark's floor (scripts/bench/floor.ts) is only a fair lower bound while it
 * runs under the service's limits and writes what the service writes: these tests
 * keep it so as the service changes.
 */

describe('the bench floor limits', () => {
  it('are the limits the service loads from the bench environment', () => {
    const config = loadConfig({ ...serviceLimitEnvironment })
    const pick = <T extends object>(from: T, like: object) => Object.fromEntries(Object.keys(like).map((key) => [key, from[key as keyof T]]))
    expect(floorLimits.otp).toEqual(pick(config.otp, floorLimits.otp))
    expect(floorLimits.pumping).toEqual(pick(config.pumping, floorLimits.pumping))
    expect(config.pumping.mode).toBe('on')
    expect(floorLimits.jwt).toEqual(pick(config.jwt, floorLimits.jwt))
    expect(floorLimits.sessionSeconds).toBe(Math.min(config.session.refreshTokenTtlSeconds, config.session.maxAgeSeconds))
    expect(floorLimits.phone).toEqual({ defaultCountry: config.phone.defaultCountry, allowedCountries: [...config.phone.allowedCountries] })
    const { authKey, templateId, timeoutMs } = config.sms.msg91
    expect(floorLimits.msg91).toEqual({ authKey, templateId, timeoutMs, appDomain: config.sms.appDomain })
    expect(config.otp.maxSendsGlobal).toBe(0)
  })
})

describeReal('the bench floor', ['redis', 'postgres'], () => {
  let floor: FloorUnderTest

  beforeAll(async () => void (floor = await startFloorUnderTest()))
  afterAll(() => floor?.close())

  it('sends a code once per cooldown, accepts it once, and writes the rows a service sign-in writes', async () => {
    const phone = '+919812345678'
    expect((await floor.call('/request-otp', { phone: '098123 45678' })).status).toBe(200)
    expect(await floor.call('/request-otp', { phone })).toEqual({ status: 429, body: { error: 'RATE_LIMITED' } })
    const code = floor.sms.take(phone)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    expect(await floor.call('/verify-otp', { phone, code: wrong })).toEqual({ status: 400, body: { error: 'INVALID_OTP' } })
    const signedIn = await floor.call('/verify-otp', { phone, code })
    expect(signedIn).toMatchObject({ status: 200, body: { isNewUser: true } })
    expect((await floor.call('/verify-otp', { phone, code })).status).toBe(400)
    const userId = signedIn.body.userId as string
    expect(await floor.call('/me', undefined, signedIn.body.accessToken as string)).toEqual({ status: 200, body: { me: { id: userId } } })
    expect(await floor.call('/me', undefined, 'not-a-token')).toEqual({ status: 200, body: { me: null } })
    expect(await floor.rows(userId)).toEqual({ users: 1, sessions: 1, signedIn: 1, created: 1 })
  })

  it('refuses numbers the service refuses', async () => {
    for (const phone of ['+15555550100', '12', '+91 98x']) {
      expect(await floor.call('/request-otp', { phone })).toEqual({ status: 400, body: { error: 'INVALID_PHONE' } })
    }
  })
})

type FloorUnderTest = Awaited<ReturnType<typeof startFloorUnderTest>>

/** The floor on a fresh migrated database and key prefix, sending to a fake MSG91. */
async function startFloorUnderTest() {
  const database: TestDatabase = await createTestDatabase()
  await database.open()
  const redis: TestRedis = await createTestRedis()
  const sms: FakeMsg91 = await startFakeMsg91()
  const floor = await openFloor({
    redisUrl: realRedisUrl()!,
    databaseUrl: database.databaseUrl!,
    redisKeyPrefix: redis.keyPrefix,
    otpSecretHex: randomBytes(32).toString('hex'),
    jwtPrivateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    msg91BaseUrl: sms.baseUrl,
    logLevel: 'warn',
  })
  const server = createServer(floor.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    sms,
    async call(path: string, body?: unknown, token?: string) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }
      const init = body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) }
      const response = await fetch(`${baseUrl}${path}`, init)
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    },
    rows: (userId: string) => countRows(database.databaseUrl!, userId),
    async close() {
      server.closeAllConnections()
      server.close()
      await floor.close()
      await Promise.all([sms.close(), redis.close()])
      await database.drop()
    },
  }
}

async function countRows(databaseUrl: string, userId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM users WHERE id = $1) AS users,
              (SELECT count(*)::int FROM sessions WHERE user_id = $1) AS sessions,
              (SELECT count(*)::int FROM auth_events WHERE user_id = $1 AND type = 'signed_in') AS "signedIn",
              (SELECT count(*)::int FROM webhook_events WHERE user_id = $1 AND type = 'user.created') AS created`,
      [userId],
    )
    return rows[0]!
  } finally {
    await client.end()
  }
}
