import { defineScript, redisCall as run, type RedisClient } from '../redis/client.ts'

/**
 * The SMS-pumping guard's counters in Redis, shared by every instance. Per destination
 * prefix: the DISTINCT numbers sent a code in the window, the distinct ones of those
 * that verified one, and a "suspect" marker. Keys of one prefix share the hash tag
 * {pump:<prefix>}, so each script stays in one Redis Cluster slot.
 */

export interface PumpingLimits {
  windowSeconds: number
  minSends: number
  minConversion: number
  blockSeconds: number
}

export type PumpingDecision = { status: 'OK' } | { status: 'SUSPECT' | 'BLOCKED_NOW'; retryAfterMs: number }

const prelude = `local function str(v) if type(v) == 'string' then return v end return nil end`

/**
 * KEYS: suspect marker, sent set, verified set. ARGV: phone, windowSeconds, minSends,
 * minConversion, blockSeconds. A suspect prefix answers at once; otherwise the number
 * joins the window's sent set (a resend adds nothing) and the prefix is judged.
 */
const recordSendLua = `${prelude}
local suspect = redis.call('PTTL', KEYS[1])
if suspect > 0 then return {'SUSPECT', suspect} end
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
local sent = redis.call('SCARD', KEYS[2])
local verified = redis.call('SCARD', KEYS[3])
if sent >= tonumber(ARGV[3]) and verified < tonumber(ARGV[4]) * sent then
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[5])
  return {'BLOCKED_NOW', tonumber(ARGV[5]) * 1000}
end
return {'OK', 0}
`

/** KEYS: sent set, verified set. ARGV: phone. Counts only numbers this window sent to. */
const recordVerifiedLua = `${prelude}
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1
`

/** How long a sent message can be matched to its delivery report. */
const sendMemorySeconds = 3 * 86_400

export function createPumpingStore(redis: RedisClient, keyPrefix: string) {
  const scripts = {
    recordSend: defineScript(redis, 'paPumpSend', recordSendLua, 3),
    recordVerified: defineScript(redis, 'paPumpVerified', recordVerifiedLua, 2),
  }
  const key = (prefix: string, part: string) => `${keyPrefix}pump:{${prefix}}:${part}`
  const sendKey = (providerMessageId: string) => `${keyPrefix}sms-send:{${providerMessageId}}`

  return {
    async recordSend(prefix: string, phone: string, limits: PumpingLimits): Promise<PumpingDecision> {
      const keys = [key(prefix, 'suspect'), key(prefix, 'sent'), key(prefix, 'verified')]
      const args = [phone, limits.windowSeconds, limits.minSends, limits.minConversion, limits.blockSeconds]
      const [status, ms] = (await run(scripts.recordSend(keys, args))) as [string, number]
      return status === 'OK' ? { status } : { status: status as 'SUSPECT' | 'BLOCKED_NOW', retryAfterMs: ms }
    },
    async isSuspect(prefix: string): Promise<number> {
      return Math.max(0, Number(await run(redis.pttl(key(prefix, 'suspect')))))
    },
    async recordVerified(prefix: string, phone: string): Promise<void> {
      await run(scripts.recordVerified([key(prefix, 'sent'), key(prefix, 'verified')], [phone]))
    },
    /** A send the carrier failed or rejected is not a send the person could verify. */
    async forgetSend(prefix: string, phone: string): Promise<void> {
      await run(redis.srem(key(prefix, 'sent'), phone))
    },
    /** The provider's id of an accepted message → its number, for the delivery report. */
    async rememberSend(providerMessageId: string, phone: string): Promise<void> {
      await run(redis.set(sendKey(providerMessageId), phone, 'EX', sendMemorySeconds))
    },
    /** The number of a reported message, once: a second report of one id finds nothing. */
    async takeSend(providerMessageId: string): Promise<string | null> {
      return run(redis.getdel(sendKey(providerMessageId)))
    },
  }
}

export type PumpingStore = ReturnType<typeof createPumpingStore>
