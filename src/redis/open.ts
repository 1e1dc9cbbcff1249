import { Cluster, Redis } from 'ioredis'
import type { RedisClient } from './client.ts'
import type { Logger } from '../observability/logger.ts'

/**
 * Redis options chosen for an auth front door: no offline queue and a command timeout,
 * so an outage answers SERVICE_UNAVAILABLE within a couple of seconds instead of
 * letting requests pile up; reconnection continues in the background.
 */
const commandTimeoutMs = 2000
const connectTimeoutMs = 2000
const clientOptions = {
  enableOfflineQueue: false,
  commandTimeout: commandTimeoutMs,
  connectTimeout: connectTimeoutMs,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
  // Commands issued in the same tick go out in one write: fewer syscalls under load.
  enableAutoPipelining: true,
  retryStrategy: (times: number) => Math.min(times * 200, 2000),
}

/** Opens Redis as configured: a URL, a Cluster, or the in-process stand-in. */
export interface RedisSettings {
  redisUrl: string | undefined
  redisClusterNodes: readonly { host: string; port: number }[]
}

export async function openRedis(config: RedisSettings): Promise<{ redis: RedisClient; kind: 'redis' | 'cluster' | 'stand-in' }> {
  if (config.redisClusterNodes.length > 0) {
    // No auto-pipelining here: a pipeline that meets a moved slot (MOVED) fails as a
    // whole instead of following the redirection (test/cluster).
    const cluster = new Cluster([...config.redisClusterNodes], {
      enableOfflineQueue: false,
      lazyConnect: true,
      redisOptions: { ...clientOptions, enableAutoPipelining: false },
    })
    await cluster.connect()
    return { redis: cluster, kind: 'cluster' }
  }
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, clientOptions)
    await redis.connect()
    return { redis, kind: 'redis' }
  }
  // The stand-in is loaded only when used (development): a real deployment never pays for it.
  const { default: RedisMock } = await import('ioredis-mock')
  return { redis: new RedisMock() as unknown as Redis, kind: 'stand-in' }
}

/**
 * An evicted counter resets a limit and an evicted marker undoes a revocation, so Redis
 * must not evict these keys. Managed services may forbid CONFIG: then nothing is said.
 */
export async function warnIfRedisMayEvict(redis: RedisClient, kind: string, logger: Logger): Promise<void> {
  if (kind !== 'redis') return
  try {
    const [, policy] = (await (redis as Redis).config('GET', 'maxmemory-policy')) as [string, string]
    if (policy && policy !== 'noeviction') {
      logger.warn({ maxmemoryPolicy: policy }, 'Redis may evict keys: set maxmemory-policy noeviction, or limits and revocations can be lost')
    }
  } catch {
    logger.debug('could not read Redis maxmemory-policy')
  }
}
