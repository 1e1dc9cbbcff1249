import pg from 'pg'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, randomIndianMobile, requestOtpMutation, verifyOtpMutation, type GraphqlAnswer } from '../support/http-client.ts'
import { startOwnPostgres, type OwnPostgres } from '../support/own-servers.ts'
import { productionEnv, timed } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestRedis, describeReal, itReal, realRedisUrl, type TestRedis } from '../support/services.ts'

/**
 * Issue 5, "PostgreSQL outage": a production server on a PRIVATE PostgreSQL (killing it
 * disturbs no other test file) and the shared Redis. A code is requested, the database
 * is stopped (immediate shutdown) before it is verified, and the SAME code must work once
 * the database is back: a sign-in that could not be written gives its claim back.
 */

const needs = ['redis', 'postgres'] as const

describeReal('a production server when its PostgreSQL goes away and comes back', [...needs], () => {
  let postgres: OwnPostgres
  let databaseUrl: string
  let redis: TestRedis
  let fake: FakeMsg91
  let server: ServerProcess
  let client: ReturnType<typeof graphqlClient>
  const phone = randomIndianMobile()
  let code: string

  beforeAll(async () => {
    ;[postgres, redis, fake] = await Promise.all([startOwnPostgres(), createTestRedis(), startFakeMsg91()])
    databaseUrl = await postgres.createDatabase('phone_auth')
    server = await startServer({
      env: productionEnv({ databaseUrl, redisUrl: realRedisUrl()!, keyPrefix: redis.keyPrefix, msg91BaseUrl: fake.baseUrl }),
    })
    client = graphqlClient(server.baseUrl)
  })

  afterAll(async () => {
    await server?.stop()
    await Promise.all([postgres?.close(), fake?.close(), redis?.close()])
  })

  function expectServiceUnavailable(answer: GraphqlAnswer, field: string): void {
    expect(answer.body.errors, JSON.stringify(answer.body)).toHaveLength(1)
    expect(answer.body.errors![0]).toMatchObject({ path: [field], extensions: { code: 'SERVICE_UNAVAILABLE' } })
  }

  itReal('sends a code while the database is up', [...needs], async () => {
    expect(await client.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
    code = fake.lastCodeFor(`91${phone}`)!
    expect(code).toMatch(/^\d{6}$/)
  })

  describe('while PostgreSQL is down', () => {
    beforeAll(() => postgres.kill())

    itReal('answers verifyOtp with the right code by SERVICE_UNAVAILABLE within 3 s', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(verifyOtpMutation, { phone, otp: code }))
      expectServiceUnavailable(value, 'verifyOtp')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers /readyz with 503 naming the database (and only it) within 3 s', [...needs], async () => {
      const { value: response, ms } = await timed(() => fetch(`${server.baseUrl}/readyz`))
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ status: 'unavailable', down: ['database'] })
      expect(ms).toBeLessThan(3_000)
    })

    itReal('still sends codes, which need only Redis', [...needs], async () => {
      const answer = await client.post(requestOtpMutation, { phone: randomIndianMobile() })
      expect(answer.body.data?.requestOtp, JSON.stringify(answer.body)).toMatchObject({ __typename: 'OtpSent' })
    })
  })

  describe('after PostgreSQL is back', () => {
    beforeAll(() => postgres.restart())

    itReal('signs in with the SAME code: the claim was put back, not consumed', [...needs], async () => {
      // The pool opens new connections on demand; allow it a moment to find the server.
      const deadline = Date.now() + 10_000
      let answer: GraphqlAnswer
      do {
        answer = await client.post(verifyOtpMutation, { phone, otp: code })
        if (answer.body.errors?.[0]?.extensions?.code !== 'SERVICE_UNAVAILABLE') break
        await new Promise((resolve) => setTimeout(resolve, 250))
      } while (Date.now() < deadline)
      expect(answer.body.data?.verifyOtp, `${JSON.stringify(answer.body)}\n${server.logs().split('\n').slice(-15).join('\n')}`).toMatchObject({
        __typename: 'AuthSession',
        isNewUser: true,
        user: { phone: `+91${phone}` },
      })
    })

    itReal('wrote exactly one user and one session for that number', [...needs], async () => {
      const db = new pg.Client({ connectionString: databaseUrl })
      await db.connect()
      try {
        const { rows } = await db.query<{ users: number; sessions: number }>(
          `SELECT (SELECT count(*)::int FROM users WHERE phone = $1) AS users,
                  (SELECT count(*)::int FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.phone = $1) AS sessions`,
          [`+91${phone}`],
        )
        expect(rows[0]).toEqual({ users: 1, sessions: 1 })
      } finally {
        await db.end()
      }
    })

    itReal('accepts that code only once', [...needs], async () => {
      expect(await client.verifyOtp(phone, code)).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
    })

    itReal('is ready again', [...needs], async () => {
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200)
    })
  })
})
