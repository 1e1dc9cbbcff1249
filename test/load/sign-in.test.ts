import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, expect } from 'vitest'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { productionEnv } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, createTestRedis, describeReal, itReal, realRedisUrl, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 5, "Load without loss": a few hundred concurrent sign-ins against a production
 * server process on the real Redis and PostgreSQL (loopback only, bounded in count and
 * time), some of them verifying the same code several times at once. Afterwards the
 * database must hold exactly one user and one session per successful sign-in, no code
 * may have been accepted twice, and the server's memory must not have run away.
 */

const needs = ['redis', 'postgres'] as const
const flows = 300
const concurrency = 50
/** Every `duplicateEvery`-th flow sends `duplicates` verifies of its code at once. */
const duplicateEvery = 5
const duplicates = 3
const runBudgetMs = 20_000
const maxRssGrowthBytes = 150 * 1024 * 1024

interface Flow {
  phone: string
  sent: string
  verifies: { __typename: string; reason?: string; sessionId?: string; user?: { id: string } }[]
}

describeReal('a few hundred concurrent sign-ins against a production server', [...needs], () => {
  let fake: FakeMsg91
  let database: TestDatabase
  let redis: TestRedis
  let server: ServerProcess
  const results: Flow[] = []
  let runMs = 0
  let rssBefore = 0
  let rssAfter = 0

  beforeAll(async () => {
    ;[fake, database, redis] = await Promise.all([startFakeMsg91(), createTestDatabase(), createTestRedis()])
    const extra = { OTP_MAX_SENDS_PER_IP: '0', OTP_MAX_FAILURES_PER_IP: '0' }
    server = await startServer({
      env: productionEnv({ databaseUrl: database.databaseUrl!, redisUrl: realRedisUrl()!, keyPrefix: redis.keyPrefix, msg91BaseUrl: fake.baseUrl, extra }),
    })
    const client = graphqlClient(server.baseUrl)
    const phones = uniquePhones(flows + 20)
    // Warm up (JIT, pools), then measure from there.
    await runPool(phones.slice(flows).map((phone) => () => signIn(client, fake, phone, 1)), 10)
    rssBefore = residentBytes(server.pid)
    const started = performance.now()
    const work = phones.slice(0, flows).map((phone, i) => () => signIn(client, fake, phone, i % duplicateEvery === 0 ? duplicates : 1))
    results.push(...(await runPool(work, concurrency)))
    runMs = performance.now() - started
    rssAfter = residentBytes(server.pid)
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await fake?.close()
    await Promise.all([redis?.close(), database?.drop()])
  })

  itReal(`finishes ${flows} sign-ins at concurrency ${concurrency} within ${runBudgetMs / 1000} s`, [...needs], () => {
    expect(results).toHaveLength(flows)
    expect(runMs).toBeLessThan(runBudgetMs)
  })

  itReal('sends every code and signs every flow in (nothing lost, no SERVICE_UNAVAILABLE)', [...needs], () => {
    const failed = results.filter((r) => r.sent !== 'OtpSent' || !r.verifies.some((v) => v.__typename === 'AuthSession'))
    expect(failed.slice(0, 5)).toEqual([])
  })

  itReal('accepts each code once: of verifies racing on one code, one signs in and the others see EXPIRED', [...needs], () => {
    const raced = results.filter((r) => r.verifies.length > 1)
    expect(raced.length).toBe(Math.ceil(flows / duplicateEvery))
    for (const flow of raced) {
      const kinds = flow.verifies.map((v) => (v.__typename === 'AuthSession' ? 'AuthSession' : `${v.__typename}:${v.reason}`)).sort()
      expect(kinds).toEqual(['AuthSession', ...Array(duplicates - 1).fill('InvalidOtpError:EXPIRED')])
    }
  })

  itReal('has exactly one user and one session row for every successful verifyOtp', [...needs], async () => {
    const signedIn = results.flatMap((r) => r.verifies.filter((v) => v.__typename === 'AuthSession').map((v) => ({ phone: `+91${r.phone}`, ...v })))
    const db = new pg.Client({ connectionString: database.databaseUrl })
    await db.connect()
    try {
      const { rows } = await db.query<{ phone: string; user_id: string; session_ids: string[] }>(
        `SELECT u.phone, u.id AS user_id, array_agg(s.id::text) AS session_ids
         FROM users u LEFT JOIN sessions s ON s.user_id = u.id
         WHERE u.phone = ANY($1) GROUP BY u.phone, u.id`,
        [signedIn.map((s) => s.phone)],
      )
      const byPhone = new Map(rows.map((row) => [row.phone, row]))
      expect(rows).toHaveLength(signedIn.length)
      for (const session of signedIn) {
        expect(byPhone.get(session.phone)).toEqual({ phone: session.phone, user_id: session.user!.id, session_ids: [session.sessionId] })
      }
    } finally {
      await db.end()
    }
  })

  itReal('did not grow its resident memory by more than 150 MB', [...needs], () => {
    expect(rssBefore).toBeGreaterThan(0)
    expect(rssAfter - rssBefore).toBeLessThan(maxRssGrowthBytes)
  })
})

async function signIn(client: ReturnType<typeof graphqlClient>, fake: FakeMsg91, phone: string, verifies: number): Promise<Flow> {
  const sent = await client.requestOtp(phone).catch((error: Error) => ({ __typename: `failed: ${error.message}` }))
  const code = fake.lastCodeFor(`91${phone}`)
  if (sent.__typename !== 'OtpSent' || !code) return { phone, sent: sent.__typename, verifies: [] }
  const answers = await Promise.all(
    Array.from({ length: verifies }, () => client.verifyOtp(phone, code).catch((error: Error) => ({ __typename: `failed: ${error.message}` }))),
  )
  return { phone, sent: sent.__typename, verifies: answers }
}

/** Runs the tasks with at most `limit` in flight; results in task order. */
async function runPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await tasks[index]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

function uniquePhones(count: number): string[] {
  const phones = new Set<string>()
  while (phones.size < count) phones.add(randomIndianMobile())
  return [...phones]
}

/** VmRSS of a process, from /proc (Linux). */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : 0
}
