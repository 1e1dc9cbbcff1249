import { afterAll, beforeAll, describe, expect } from 'vitest'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { startOwnRedis, type OwnRedis } from '../support/own-servers.ts'
import { productionEnv } from '../support/production-env.ts'
import { freePort, startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, createTestRedis, describeReal, itReal, realRedisUrl, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 5, "Observability", on production server processes: request ids in error answers,
 * response headers and log lines; Prometheus metrics without personal data, optionally on
 * their own port; the start-up warning about a Redis that may evict keys.
 */

const needs = ['redis', 'postgres'] as const

/** Documents that each come back with an error, one per kind of failure a client can meet. */
const failingRequests: [string, RequestInit][] = [
  ['a validation error', graphqlBody('{ noSuchField }')],
  ['a parse error', graphqlBody('{ me { ')],
  ['a field that needs sign-in (UNAUTHENTICATED)', graphqlBody('{ sessions { id } }')],
  ['a body that is not JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' }],
]

function graphqlBody(query: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query }) }
}

describeReal('observability of a production server', [...needs], () => {
  let fake: FakeMsg91
  let database: TestDatabase
  let redis: TestRedis
  let evictingRedis: OwnRedis
  /** On the shared Redis (noeviction), metrics on the public port. */
  let server: ServerProcess
  /** On a Redis with allkeys-lru, metrics on METRICS_PORT. */
  let separate: ServerProcess
  let metricsPort: number
  const phone = randomIndianMobile()

  beforeAll(async () => {
    ;[fake, database, redis, evictingRedis, metricsPort] = await Promise.all([
      startFakeMsg91(),
      createTestDatabase(),
      createTestRedis(),
      startOwnRedis(['--maxmemory-policy', 'allkeys-lru']),
      freePort(),
    ])
    const env = (redisUrl: string, extra: Record<string, string> = {}) =>
      productionEnv({ databaseUrl: database.databaseUrl!, redisUrl, keyPrefix: redis.keyPrefix, msg91BaseUrl: fake.baseUrl, extra })
    ;[server, separate] = await Promise.all([
      startServer({ env: env(realRedisUrl()!) }),
      startServer({ env: env(evictingRedis.url, { METRICS_PORT: String(metricsPort) }) }),
    ])
    // A sign-in, so that every metric of the flow has a sample.
    const client = graphqlClient(server.baseUrl)
    await client.requestOtp(phone)
    await client.verifyOtp(phone, fake.lastCodeFor(`91${phone}`)!)
  })

  afterAll(async () => {
    await Promise.all([server?.stop(), separate?.stop()])
    await fake?.close()
    await Promise.all([redis?.close(), database?.drop(), evictingRedis?.close()])
  })

  describe('request ids', () => {
    for (const [name, init] of failingRequests) {
      itReal(`puts the x-request-id header into every error of ${name} and logs a line with it`, [...needs], async () => {
        const from = server.logs().length
        const response = await fetch(`${server.baseUrl}/graphql`, init)
        const requestId = response.headers.get('x-request-id')
        expect(requestId).toMatch(/^[A-Za-z0-9._-]{8,64}$/)
        const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] }
        expect(body.errors?.length).toBeGreaterThan(0)
        for (const error of body.errors!) expect(error.extensions).toMatchObject({ requestId, code: expect.any(String) })
        await server.waitForLog(new RegExp(`"requestId":"${requestId}"`), 2_000, from)
      })
    }

    itReal('keeps a well-formed x-request-id that the caller sent', [...needs], async () => {
      const init = failingRequests[0]![1]
      const requestId = `lb-${Date.now()}-abcdef`
      const response = await fetch(`${server.baseUrl}/graphql`, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': requestId } })
      expect(response.headers.get('x-request-id')).toBe(requestId)
      const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] }
      expect(body.errors[0]!.extensions.requestId).toBe(requestId)
    })

    itReal('writes its log as JSON lines, each with a level, a time and a message', [...needs], async () => {
      const lines = server.logs().trim().split('\n')
      expect(lines.length).toBeGreaterThan(3)
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), time: expect.any(String), msg: expect.any(String) })
    })
  })

  describe('GET /metrics', () => {
    let text: string
    beforeAll(async () => {
      const response = await fetch(`${server.baseUrl}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
      text = await response.text()
    })

    itReal('counts requestOtp and verifyOtp by field and outcome', [...needs], async () => {
      expect(text).toMatch(/^# TYPE phone_auth_graphql_fields_total counter$/m)
      expect(text).toMatch(/^phone_auth_graphql_fields_total\{field="requestOtp",outcome="ok"\} [1-9]/m)
      expect(text).toMatch(/^phone_auth_graphql_fields_total\{field="verifyOtp",outcome="ok"\} [1-9]/m)
    })

    itReal('times requestOtp and verifyOtp in a histogram', [...needs], async () => {
      expect(text).toMatch(/^# TYPE phone_auth_graphql_request_duration_seconds histogram$/m)
      expect(text).toMatch(/^phone_auth_graphql_request_duration_seconds_count\{field="requestOtp"\} [1-9]/m)
      expect(text).toMatch(/^phone_auth_graphql_request_duration_seconds_count\{field="verifyOtp"\} [1-9]/m)
    })

    itReal('times the MSG91 send by outcome', [...needs], async () => {
      expect(text).toMatch(/^phone_auth_sms_send_duration_seconds_count\{provider="msg91",outcome="accepted"\} [1-9]/m)
    })

    itReal('counts the sign-in steps (sent, verified)', [...needs], async () => {
      expect(text).toMatch(/^phone_auth_events_total\{type="otp_sent",[^}]*\} [1-9]/m)
      expect(text).toMatch(/^phone_auth_events_total\{type="otp_verified",[^}]*\} [1-9]/m)
    })

    itReal('carries process metrics (memory, event loop lag)', [...needs], async () => {
      // prom-client puts its own `process_`/`nodejs_` after the service's `phone_auth_` prefix.
      expect(text).toMatch(/^phone_auth_process_resident_memory_bytes \d/m)
      expect(text).toMatch(/^phone_auth_nodejs_eventloop_lag_seconds \d/m)
    })

    itReal('names no phone number and no IP address anywhere', [...needs], async () => {
      expect(text).not.toContain(phone)
      expect(text).not.toContain(`91${phone}`)
      expect(text).not.toMatch(/\+\d{8,15}/)
      expect(text).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/)
      expect(text).not.toMatch(/::1|::ffff:/)
    })
  })

  describe('with METRICS_PORT set', () => {
    itReal('answers 404 for /metrics on the public port', [...needs], async () => {
      const response = await fetch(`${separate.baseUrl}/metrics`)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('phone_auth_')
    })

    itReal('serves /metrics on the metrics port of the same host', [...needs], async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      expect(response.status).toBe(200)
      expect(await response.text()).toMatch(/^# TYPE phone_auth_graphql_fields_total counter$/m)
    })

    itReal('serves nothing else on the metrics port', [...needs], async () => {
      expect((await fetch(`http://127.0.0.1:${metricsPort}/graphql`)).status).toBe(404)
    })
  })

  describe('Redis eviction policy at start-up', () => {
    itReal('warns, naming noeviction, when Redis uses allkeys-lru', [...needs], async () => {
      const [line] = await separate.waitForLog(/^.*noeviction.*$/m, 1_000)
      expect(JSON.parse(line)).toMatchObject({ level: 40, maxmemoryPolicy: 'allkeys-lru' })
    })

    itReal('says nothing about eviction when Redis uses noeviction', [...needs], async () => {
      expect(server.logs()).not.toMatch(/noeviction|maxmemory/)
    })
  })
})
