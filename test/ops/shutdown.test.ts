import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { productionEnv } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, createTestRedis, describeReal, itReal, realRedisUrl, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 5, "Shutdown": on SIGTERM or SIGINT the production server stops accepting, lets
 * the request in flight finish with its normal answer, closes its stores and exits 0.
 * MSG91 (the fake) holds its answer for a second, so a requestOtp is in flight when the
 * signal arrives.
 */

const needs = ['redis', 'postgres'] as const
const msg91DelayMs = 1_000

describeReal('a production server receiving SIGTERM or SIGINT', [...needs], () => {
  let fake: FakeMsg91
  let database: TestDatabase
  let redis: TestRedis
  const servers: ServerProcess[] = []

  beforeAll(async () => {
    ;[fake, database, redis] = await Promise.all([startFakeMsg91(), createTestDatabase(), createTestRedis()])
    fake.setDefault({ kind: 'success', delayMs: msg91DelayMs })
  })

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop('SIGKILL')))
  })

  afterAll(async () => {
    await fake?.close()
    await Promise.all([redis?.close(), database?.drop()])
  })

  async function start(): Promise<ServerProcess> {
    const env = productionEnv({ databaseUrl: database.databaseUrl!, redisUrl: realRedisUrl()!, keyPrefix: redis.keyPrefix, msg91BaseUrl: fake.baseUrl })
    const server = await startServer({ env })
    servers.push(server)
    return server
  }

  /**
   * Starts a requestOtp and resolves once MSG91 has it (the server is then mid-request),
   * with the answer still to come (wrapped, so that awaiting this does not await it).
   */
  async function requestInFlight(server: ServerProcess): Promise<{ answer: Promise<any> }> {
    const before = fake.requests.length
    const answer = graphqlClient(server.baseUrl).requestOtp(randomIndianMobile())
    answer.catch(() => undefined) // awaited by the test; this only avoids an unhandled rejection
    const deadline = Date.now() + 5_000
    while (fake.requests.length === before) {
      if (Date.now() > deadline) throw new Error(`MSG91 never got the request\n${server.logs()}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return { answer }
  }

  itReal('finishes a request in flight with its normal answer after SIGTERM', [...needs], async () => {
    const server = await start()
    const { answer } = await requestInFlight(server)
    const exit = server.stop('SIGTERM')
    expect(await answer).toMatchObject({ __typename: 'OtpSent' })
    expect(await exit).toBe(0)
  })

  itReal('refuses new connections after SIGTERM while the request in flight still runs', [...needs], async () => {
    const server = await start()
    const { answer } = await requestInFlight(server)
    let answered = false
    void answer.finally(() => (answered = true))
    const exit = server.stop('SIGTERM')
    const refusedAfterMs = await waitForRefusal(server.port, 800)
    expect(refusedAfterMs, 'a new connection was still accepted').toBeDefined()
    expect(answered, 'the request in flight was not still running').toBe(false)
    await answer
    expect(await exit).toBe(0)
  })

  itReal('exits 0 promptly once the request in flight is answered (no wait on idle keep-alive sockets)', [...needs], async () => {
    const server = await start()
    const { answer } = await requestInFlight(server)
    const exit = server.stop('SIGTERM')
    await answer
    const answeredAt = performance.now()
    expect(await exit).toBe(0)
    // Closing Redis, the pool and the audit writer takes well under a second; a client's
    // keep-alive socket left open would hold the exit for its idle timeout (seconds).
    expect(performance.now() - answeredAt).toBeLessThan(2_000)
  })

  itReal('exits 0 on SIGINT too, and logs why it stopped', [...needs], async () => {
    const server = await start()
    const started = performance.now()
    expect(await server.stop('SIGINT')).toBe(0)
    expect(performance.now() - started).toBeLessThan(3_000)
    expect(server.logs()).toMatch(/"signal":"SIGINT"/)
  })
})

/** Milliseconds until a connection to `port` is refused, or undefined if none was within `withinMs`. */
async function waitForRefusal(port: number, withinMs: number): Promise<number | undefined> {
  const started = performance.now()
  while (performance.now() - started < withinMs) {
    if (await isRefused(port)) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return undefined
}

function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}
