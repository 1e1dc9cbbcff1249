import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'
import pg from 'pg'
import { pino, type Logger } from 'pino'
import { describe, inject, it, type TestFunction } from 'vitest'
import { openDatabase, type Database } from '../../src/db/client.ts'
import type {} from '../global-setup.ts'

/**
 * What a test file needs from the stores: the real servers the global setup started, or
 * the embedded stand-ins. Tests whose meaning needs a real server use describeReal/itReal,
 * which skip with the reason in the test name instead of passing on a stand-in.
 */

export type RealService = 'redis' | 'postgres'

export function realRedisUrl(): string | undefined {
  return inject('realServices').redisUrl
}

/** Superuser URL of the real PostgreSQL, when there is one. */
export function realPostgres(): string | undefined {
  return inject('realServices').postgresUrl
}

function missing(needs: RealService[]): RealService[] {
  return needs.filter((need) => (need === 'redis' ? realRedisUrl() : realPostgres()) === undefined)
}

function skipLabel(needs: RealService[], name: string): string | undefined {
  const absent = missing(needs)
  return absent.length > 0 ? `[skipped: needs real ${absent.join(' and ')}] ${name}` : undefined
}

export function describeReal(name: string, needs: RealService[], fn: () => void): void {
  const label = skipLabel(needs, name)
  if (label) describe.skip(label, fn)
  else describe(name, fn)
}

export function itReal(name: string, needs: RealService[], fn: TestFunction, timeoutMs?: number): void {
  const label = skipLabel(needs, name)
  if (label) it.skip(label, fn)
  else it(name, fn, timeoutMs)
}

export const silentLogger: Logger = pino({ level: 'silent' })

export interface OpenTestDatabaseOptions {
  migrate?: boolean
  logger?: Logger
  poolMax?: number
}

export interface TestDatabase {
  kind: Database['kind']
  /** Set on real PostgreSQL: the database belongs to this call alone. */
  databaseUrl?: string
  /**
   * Opens the database (migrated unless `migrate: false`). On PGlite every open() is a
   * fresh, empty in-memory database: share one Database between the parts of a test.
   */
  open(options?: OpenTestDatabaseOptions): Promise<Database>
  /** Closes what open() returned and drops the database. */
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = realPostgres()
  const name = `pa_test_${randomBytes(6).toString('hex')}`
  const databaseUrl = adminUrl ? withDatabase(adminUrl, name) : undefined
  if (adminUrl) await adminQuery(adminUrl, `CREATE DATABASE ${name}`)
  const opened: Database[] = []
  return {
    kind: databaseUrl ? 'postgres' : 'pglite',
    databaseUrl,
    async open(options = {}) {
      const database = await openDatabase({
        ...(databaseUrl ? { databaseUrl } : { inMemory: true }),
        migrate: options.migrate ?? true,
        logger: options.logger ?? silentLogger,
        poolMax: options.poolMax ?? 4,
      })
      opened.push(database)
      return database
    },
    async drop() {
      await Promise.all(opened.map((database) => database.close()))
      if (adminUrl) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export interface TestRedis {
  redis: Redis
  /** Unique per call: prefix every key with it so test files never see each other's. */
  keyPrefix: string
  close(): Promise<void>
}

export async function createTestRedis(): Promise<TestRedis> {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`
  const url = realRedisUrl()
  if (!url) {
    // ioredis-mock shares data between instances with the same host, so give each its own.
    const redis = new RedisMock({ host: `mock-${keyPrefix}` })
    return { redis, keyPrefix, close: async () => void (await redis.flushall(), redis.disconnect()) }
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  return { redis, keyPrefix, close: () => deleteKeysAndQuit(redis, keyPrefix) }
}

async function deleteKeysAndQuit(redis: Redis, keyPrefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500)
    if (keys.length > 0) await redis.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
  await redis.quit()
}
