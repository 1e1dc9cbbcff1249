import pg from 'pg'
import { startPostgres, startRedis, type LocalRedis, type LocalServer } from '../../scripts/lib/local-servers.ts'

/**
 * A PRIVATE redis-server or PostgreSQL for one test file, so a test may kill, pause and
 * restart it without disturbing the shared servers that the global setup started for
 * every other file. scripts/lib/local-servers.ts starts them and makes sure they end with
 * this worker.
 */

export interface OwnServer extends LocalServer {
  /** Stops it for good and removes its folder. */
  close(): Promise<void>
}

export type OwnRedis = OwnServer & LocalRedis

export interface OwnPostgres extends OwnServer {
  /** Superuser URL of its `postgres` database. */
  adminUrl: string
  /** Creates an empty database and answers its URL. */
  createDatabase(name: string): Promise<string>
}

/** `extraArgs` e.g. ['--maxmemory-policy', 'allkeys-lru']. */
export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const redis = await startRedis({ extraArgs })
  return { ...redis, close: redis.stop }
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  // Commits stay synchronous, unlike on the shared server: an outage test crashes
  // PostgreSQL right after a commit and expects that commit to have survived.
  const postgres = await startPostgres({ settings: { max_connections: '100', synchronous_commit: 'on' } })
  return { ...postgres, adminUrl: postgres.url, close: postgres.stop, createDatabase: (name) => createDatabase(postgres.url, name) }
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
