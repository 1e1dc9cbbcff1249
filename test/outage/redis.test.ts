import { afterAll, beforeAll, describe, expect } from 'vitest'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, meQuery, randomIndianMobile, requestOtpMutation, verifyOtpMutation, type GraphqlAnswer } from '../support/http-client.ts'
import { startOwnRedis, type OwnRedis } from '../support/own-servers.ts'
import { productionEnv, timed } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, describeReal, itReal, type TestDatabase } from '../support/services.ts'

/**
 * Issue 5, "Redis outage": a production server on a PRIVATE redis-server (so killing it
 * disturbs no other test file). The tests run in order: sign in; freeze Redis (SIGSTOP:
 * connections hang); kill it (SIGKILL: connections refused); bring it back on the same
 * port and watch the service recover by itself.
 */

const needs = ['redis', 'postgres'] as const

describeReal('a production server when its Redis goes away and comes back', [...needs], () => {
  let redis: OwnRedis
  let database: TestDatabase
  let fake: FakeMsg91
  let server: ServerProcess
  let client: ReturnType<typeof graphqlClient>
  let accessToken: string

  beforeAll(async () => {
    ;[redis, database, fake] = await Promise.all([startOwnRedis(), createTestDatabase(), startFakeMsg91()])
    server = await startServer({
      env: productionEnv({ databaseUrl: database.databaseUrl!, redisUrl: redis.url, msg91BaseUrl: fake.baseUrl }),
    })
    client = graphqlClient(server.baseUrl)
    const phone = randomIndianMobile()
    await client.requestOtp(phone)
    const session = await client.verifyOtp(phone, fake.lastCodeFor(`91${phone}`)!)
    accessToken = session.accessToken
  })

  afterAll(async () => {
    await server?.stop()
    await Promise.all([redis?.close(), fake?.close(), database?.drop()])
  })

  function expectServiceUnavailable(answer: GraphqlAnswer, field: string): void {
    expect(answer.body.errors, JSON.stringify(answer.body)).toHaveLength(1)
    expect(answer.body.errors![0]).toMatchObject({ path: [field], extensions: { code: 'SERVICE_UNAVAILABLE' } })
    expect(answer.body.data?.[field] ?? null).toBeNull()
  }

  describe('while Redis hangs (stopped, so commands get no answer)', () => {
    beforeAll(() => redis.pause())
    afterAll(() => redis.resume())

    itReal('answers requestOtp with SERVICE_UNAVAILABLE within 3 s', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(requestOtpMutation, { phone: randomIndianMobile() }))
      expectServiceUnavailable(value, 'requestOtp')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers me with a valid token by SERVICE_UNAVAILABLE within 3 s', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(meQuery, undefined, { accessToken }))
      expectServiceUnavailable(value, 'me')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers /readyz with 503 naming redis within 3 s', [...needs], async () => {
      const { value: response, ms } = await timed(() => fetch(`${server.baseUrl}/readyz`))
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ down: ['redis'] })
      expect(ms).toBeLessThan(3_000)
    })
  })

  describe('while Redis is down (killed, so connections are refused)', () => {
    beforeAll(() => redis.kill())

    itReal('answers requestOtp with SERVICE_UNAVAILABLE within 3 s', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(requestOtpMutation, { phone: randomIndianMobile() }))
      expectServiceUnavailable(value, 'requestOtp')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers verifyOtp with SERVICE_UNAVAILABLE within 3 s', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(verifyOtpMutation, { phone: randomIndianMobile(), otp: '123456' }))
      expectServiceUnavailable(value, 'verifyOtp')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers me with a valid token by SERVICE_UNAVAILABLE, not null', [...needs], async () => {
      const { value, ms } = await timed(() => client.post(meQuery, undefined, { accessToken }))
      expectServiceUnavailable(value, 'me')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('answers /readyz with 503 naming redis (and only redis)', [...needs], async () => {
      const { value: response, ms } = await timed(() => fetch(`${server.baseUrl}/readyz`))
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ status: 'unavailable', down: ['redis'] })
      expect(ms).toBeLessThan(3_000)
    })

    itReal('keeps answering many requests at once during the outage, without a hang', [...needs], async () => {
      const { value: answers, ms } = await timed(() =>
        Promise.all(Array.from({ length: 20 }, () => client.post(requestOtpMutation, { phone: randomIndianMobile() }))),
      )
      for (const answer of answers) expectServiceUnavailable(answer, 'requestOtp')
      expect(ms).toBeLessThan(3_000)
    })

    itReal('stays up through the outage', [...needs], async () => {
      const health = await fetch(`${server.baseUrl}/healthz`)
      expect(health.status).toBe(200)
      const state = await Promise.race([server.exited.then(() => 'exited'), new Promise((resolve) => setTimeout(resolve, 50, 'running'))])
      expect(state).toBe('running')
    })
  })

  itReal('recovers without a restart once Redis is back on the same port', [...needs], async () => {
    await redis.restart()
    const phone = randomIndianMobile()
    const deadline = Date.now() + 5_000
    let answer: GraphqlAnswer
    do {
      answer = await client.post(requestOtpMutation, { phone })
      if (answer.body.data?.requestOtp?.__typename === 'OtpSent') break
      await new Promise((resolve) => setTimeout(resolve, 200))
    } while (Date.now() < deadline)
    expect(answer.body.data?.requestOtp, JSON.stringify(answer.body)).toMatchObject({ __typename: 'OtpSent' })

    const session = await client.verifyOtp(phone, fake.lastCodeFor(`91${phone}`)!)
    expect(session).toMatchObject({ __typename: 'AuthSession' })
    const me = await client.me(accessToken)
    expect(me.body.data?.me).toMatchObject({ id: expect.any(String) })
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200)
  })
})
