import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { postgresBinaries, redisBinaries, startPostgres, startRedis, which, type LocalServer } from '../scripts/lib/local-servers.ts'

/**
 * Starts a throw-away redis-server and PostgreSQL cluster on free loopback ports when the
 * binaries exist, and tells the tests where they are. Without them tests fall back to the
 * embedded stand-ins, unless PHONE_AUTH_REQUIRE_REAL_SERVICES=1 (CI) makes that an error.
 */

export interface RealServices {
  redisUrl?: string
  /** Superuser URL of the `postgres` database; tests create their own databases from it. */
  postgresUrl?: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    realServices: RealServices
  }
}

type Stop = () => Promise<void>

export default async function setup(project: TestProject): Promise<Stop> {
  const required = process.env.PHONE_AUTH_REQUIRE_REAL_SERVICES === '1'
  const stops: Stop[] = []
  // End-to-end tests run the service as `npm start` does: the compiled build/main.mjs.
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' })
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.warn(`[global-setup] ${error}`))
  }
  try {
    const redis = await startOrExplain('redis', redisBinaries, () => startRedis(), required)
    if (redis) stops.push(redis.stop)
    // Durability is pointless for a cluster deleted after the run; speed is not. Every
    // test file opens its own pools on this one server, hence the connections.
    const settings = { max_connections: '200', synchronous_commit: 'off' }
    const postgres = await startOrExplain('postgres', postgresBinaries, () => startPostgres({ settings }), required)
    if (postgres) stops.push(postgres.stop)
    project.provide('realServices', { redisUrl: redis?.url, postgresUrl: postgres?.url })
  } catch (error) {
    await teardown()
    throw error
  }
  return teardown
}

async function startOrExplain(
  name: string,
  binaries: string[],
  start: () => Promise<LocalServer>,
  required: boolean,
): Promise<LocalServer | undefined> {
  const missing = binaries.filter((b) => !which(b))
  let problem = missing.length > 0 ? `${missing.join(', ')} not found on PATH` : undefined
  if (!problem) {
    try {
      return await start()
    } catch (error) {
      problem = `could not start: ${(error as Error).message}`
    }
  }
  if (required) throw new Error(`PHONE_AUTH_REQUIRE_REAL_SERVICES=1 but real ${name} is unavailable: ${problem}`)
  console.warn(`[global-setup] real ${name} unavailable (${problem}); tests needing it are skipped`)
  return undefined
}
