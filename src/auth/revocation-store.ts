import { redisCall, type RedisClient } from '../redis/client.ts'

/**
 * Revocation markers: a revoked session's access tokens must stop working at once,
 * without a database read per request. A marker lives as long as the longest-lived
 * access token that may carry the session id (ACCESS_TOKEN_TTL_SECONDS), so an
 * authenticated request costs one Redis lookup.
 */
export function createRevocationStore(redis: RedisClient, keyPrefix: string) {
  const markerKey = (sessionId: string) => `${keyPrefix}revoked:{${sessionId}}`
  return {
    async markRevoked(sessionIds: readonly string[], ttlSeconds: number): Promise<void> {
      // One command per key: in a Redis Cluster the markers live in different slots.
      await redisCall(Promise.all(sessionIds.map((id) => redis.set(markerKey(id), '1', 'EX', ttlSeconds))))
    },
    async isRevoked(sessionId: string): Promise<boolean> {
      return (await redisCall(redis.exists(markerKey(sessionId)))) === 1
    },
  }
}

export type RevocationStore = ReturnType<typeof createRevocationStore>
