import { postgresBinaries, redisBinaries, startPostgres, startRedis, which, type LocalServer } from '../lib/local-servers.ts'

/**
 * The stores the benchmark runs against: the URLs it was given, or a throw-away
 * redis-server and PostgreSQL cluster on free 127.0.0.1 ports (scripts/lib/local-servers.ts).
 */

export interface Stores {
  redisUrl: string
  databaseUrl: string
  /** Which ones this process started (and will stop). */
  started: string[]
}

export class SetupError extends Error {}

/**
 * Registers each server's stop in `onStop` once it answers; a Ctrl-C while one is still
 * starting ends the process, and local-servers stops that one and removes its folder on exit.
 */
export async function startStores(given: { redisUrl?: string; databaseUrl?: string }, onStop: (stop: () => Promise<void>) => void): Promise<Stores> {
  const missing = [...(given.redisUrl ? [] : redisBinaries), ...(given.databaseUrl ? [] : postgresBinaries)].filter((binary) => !which(binary))
  if (missing.length > 0) {
    throw new SetupError(`cannot start the stores: ${missing.join(', ')} not found on PATH; install them or set REDIS_URL and DATABASE_URL`)
  }
  const started: string[] = []
  let { redisUrl, databaseUrl } = given
  if (!redisUrl) {
    redisUrl = await startOrFail('redis-server', () => startRedis(), onStop)
    started.push('redis-server')
  }
  if (!databaseUrl) {
    // Synchronous commit off, as in the tests: the cluster is deleted afterwards, and on
    // a shared disk commit latency would swamp what this benchmark compares.
    databaseUrl = await startOrFail('postgres', () => startPostgres({ settings: { synchronous_commit: 'off' } }), onStop)
    started.push('postgres')
  }
  return { redisUrl, databaseUrl, started }
}

async function startOrFail(name: string, start: () => Promise<LocalServer>, onStop: (stop: () => Promise<void>) => void): Promise<string> {
  try {
    const server = await start()
    onStop(server.stop)
    return server.url
  } catch (error) {
    throw new SetupError(`cannot start ${name}: ${(error as Error).message}`)
  }
}
