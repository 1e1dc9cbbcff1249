import { readdirSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, expect } from 'vitest'
import { DEFAULT_MIGRATIONS_DIR } from '../../src/db/migrate.ts'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { productionEnv } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, createTestRedis, describeReal, itReal, realRedisUrl, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 5: start-up migrations run under a PostgreSQL advisory lock, so instances that
 * start together on an EMPTY database do not race. Two production processes are spawned
 * at the same moment (MIGRATE_ON_START defaults to true). To make them truly collide, the
 * test holds the migration lock (the key Prisma's schema engine uses too) until BOTH wait
 * for it, then lets go: they then compete for the empty schema at the same instant.
 */

const needs = ['redis', 'postgres'] as const
const migrationLockKey = 72707369
const migrationNames = readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

describeReal('two production instances starting at once on an empty database', [...needs], () => {
  let database: TestDatabase
  let redis: TestRedis
  let fake: FakeMsg91
  const started: PromiseSettledResult<ServerProcess>[] = []
  const servers = () => started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))

  beforeAll(async () => {
    ;[database, redis, fake] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeMsg91()])
    const env = productionEnv({ databaseUrl: database.databaseUrl!, redisUrl: realRedisUrl()!, keyPrefix: redis.keyPrefix, msg91BaseUrl: fake.baseUrl })
    const gate = new pg.Client({ connectionString: database.databaseUrl })
    await gate.connect()
    await gate.query('SELECT pg_advisory_lock($1)', [migrationLockKey])
    const starting = Promise.allSettled([startServer({ env }), startServer({ env })])
    try {
      await waitForLockWaiters(gate, 2)
    } finally {
      // Ending the session releases the lock, whatever happened; the servers are kept for afterAll.
      await gate.end()
      started.push(...(await starting))
    }
  })

  afterAll(async () => {
    await Promise.all(servers().map((server) => server.stop()))
    await fake?.close()
    await Promise.all([redis?.close(), database?.drop()])
  })

  itReal('both become healthy and ready', [...needs], async () => {
    for (const result of started) expect(result.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled')
    for (const server of servers()) expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200)
  })

  itReal('records every migration exactly once, finished and not rolled back', [...needs], async () => {
    const client = new pg.Client({ connectionString: database.databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM "_prisma_migrations" ORDER BY migration_name`,
      )
      expect(migrationNames.length).toBeGreaterThan(0)
      expect(rows).toEqual(migrationNames.map((migration_name) => ({ migration_name, finished: true, rolled_back: false })))
    } finally {
      await client.end()
    }
  })

  itReal('applied each migration in one of the two processes only', [...needs], async () => {
    const applied = servers().flatMap((server) => [...server.logs().matchAll(/"migration":"([^"]+)"[^\n]*"applied migration"/g)].map((m) => m[1]))
    expect(applied.sort()).toEqual(migrationNames)
  })

  itReal('serves sign-ins from both on the migrated schema', [...needs], async () => {
    for (const server of servers()) {
      const client = graphqlClient(server.baseUrl)
      const phone = randomIndianMobile()
      await client.requestOtp(phone)
      expect(await client.verifyOtp(phone, fake.lastCodeFor(`91${phone}`)!)).toMatchObject({ __typename: 'AuthSession' })
    }
  })
})

/** Resolves once `count` other sessions wait for an advisory lock in this database. */
async function waitForLockWaiters(client: pg.Client, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const sql = `SELECT count(*)::int AS waiting FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ waiting: number }>(sql)
    if ((rows[0]?.waiting ?? 0) >= count) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`fewer than ${count} instances waited for the migration lock within ${timeoutMs} ms`)
}
