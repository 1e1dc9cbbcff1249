import { Cluster, Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'
import type { Config } from './config.ts'
import type { RedisClient } from './redis.ts'

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
  retryStrategy: (times: number) => Math.min(times * 200, 2000),
}

/** Opens Redis as configured: a URL, a Cluster, or the in-process stand-in. */
export async function openRedis(config: Config): Promise<{ redis: RedisClient; kind: 'redis' | 'cluster' | 'stand-in' }> {
  if (config.redisClusterNodes.length > 0) {
    const cluster = new Cluster(config.redisClusterNodes, { enableOfflineQueue: false, lazyConnect: true, redisOptions: clientOptions })
    await cluster.connect()
    return { redis: cluster, kind: 'cluster' }
  }
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, clientOptions)
    await redis.connect()
    return { redis, kind: 'redis' }
  }
  return { redis: new RedisMock() as unknown as Redis, kind: 'stand-in' }
}
