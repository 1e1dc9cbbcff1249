import { startServer, type ServerProcess } from './server-process.ts'
import { createTestDatabase, createTestRedis, realRedisUrl } from './services.ts'

/**
 * The service as `npm start` runs it, on the real Redis and PostgreSQL of the test run
 * when there are some (its own database and key prefix), on the embedded stand-ins
 * otherwise. Codes go to the console sender's log line.
 */
export interface StoreServer {
  server: ServerProcess
  stores: 'real' | 'embedded'
  close(): Promise<void>
}

export async function startServerOnTestStores(env: Record<string, string> = {}): Promise<StoreServer> {
  const database = await createTestDatabase()
  const redis = await createTestRedis()
  const redisUrl = realRedisUrl()
  const real = database.databaseUrl !== undefined && redisUrl !== undefined
  const storeEnv: Record<string, string> = real ? { DATABASE_URL: database.databaseUrl!, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: redis.keyPrefix } : {}
  const server = await startServer({ env: { LOG_LEVEL: 'warn', ...storeEnv, ...env } })
  return {
    server,
    stores: real ? 'real' : 'embedded',
    async close() {
      await server.stop()
      await redis.close()
      await database.drop()
    },
  }
}
