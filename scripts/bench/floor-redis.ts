import { Redis } from 'ioredis'
import { floorLimits } from './limits.ts'

/**
 * The floor's Redis work: one round trip for each check the service also makes, and
 * where the service spends two (reserve, then refund) one suffices. Keys of one
 * phone share the hash tag {phone} and keys of one prefix {pump:<prefix>}, so each
 * script would stay in one Redis Cluster slot.
 */

/** A fixed-window counter: KEYS[1]; ARGV window seconds. Answers the new count. */
const countLua = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`

/**
 * KEYS: code, cooldown, send count. ARGV: digest, ttl, cooldown, max sends, window.
 * A refusal writes nothing, so a pending code keeps working.
 */
const storeCodeLua = `
local wait = redis.call('PTTL', KEYS[2])
if wait > 0 then return {'COOLDOWN', wait} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[4]) then return {'SEND_CAP', redis.call('PTTL', KEYS[3])} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'digest', ARGV[1], 'tries', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], 1, 'EX', ARGV[3])
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[5]) end
return {'STORED', 0}`

/**
 * KEYS: code, phone failure count. ARGV: digest, max attempts, max phone failures,
 * failure window. A match deletes the code in the same step, so it works once.
 */
const checkCodeLua = `
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then return {'LIMITED', redis.call('PTTL', KEYS[2])} end
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then return {'EXPIRED', 0} end
if digest == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {'OK', 0}
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
local left = tonumber(ARGV[2]) - redis.call('HINCRBY', KEYS[1], 'tries', 1)
if left <= 0 then redis.call('DEL', KEYS[1]) end
return {'INCORRECT', left}`

/** KEYS: the prefix's sent and verified sets. ARGV: phone, window. Answers both sizes. */
const countSendLua = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {redis.call('SCARD', KEYS[1]), redis.call('SCARD', KEYS[2])}`

/** KEYS: sent and verified sets. ARGV: phone, window. Only numbers this window sent to count. */
const countVerifiedLua = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return 1`

type Script = (keys: string[], args: (string | number)[]) => Promise<unknown>

function script(redis: Redis, name: string, lua: string, keyCount: number): Script {
  // defineCommand sends EVALSHA, falling back to EVAL once after a restart of Redis.
  redis.defineCommand(name, { lua, numberOfKeys: keyCount })
  const run = (redis as unknown as Record<string, (...keysThenArgs: (string | number)[]) => Promise<unknown>>)[name]!
  return (keys, args) => run.call(redis, ...keys, ...args)
}

export type CodeOutcome = 'STORED' | 'COOLDOWN' | 'SEND_CAP'
export type CheckOutcome = 'OK' | 'EXPIRED' | 'INCORRECT' | 'LIMITED'

function defineScripts(redis: Redis) {
  return {
    count: script(redis, 'floorCount', countLua, 1),
    storeCode: script(redis, 'floorStoreCode', storeCodeLua, 3),
    checkCode: script(redis, 'floorCheckCode', checkCodeLua, 2),
    countSend: script(redis, 'floorCountSend', countSendLua, 2),
    countVerified: script(redis, 'floorCountVerified', countVerifiedLua, 2),
  }
}

function keysUnder(prefix: string) {
  return {
    phone: (phone: string, part: string) => `${prefix}{${phone}}:${part}`,
    ip: (ip: string, part: string) => `${prefix}ip:{${ip}}:${part}`,
    /** The sent and the verified set of one prefix of numbers. */
    range: (range: string) => [`${prefix}pump:{${range}}:sent`, `${prefix}pump:{${range}}:verified`],
    revoked: (sessionId: string) => `${prefix}revoked:{${sessionId}}`,
  }
}

export function floorStore(redis: Redis, prefix: string) {
  const { otp, pumping } = floorLimits
  const scripts = defineScripts(redis)
  const keys = keysUnder(prefix)
  return {
    /** Counts a send for the address; answers whether it is still within its cap. */
    async ipMaySend(ip: string): Promise<boolean> {
      return Number(await scripts.count([keys.ip(ip, 'sends')], [otp.sendWindowSeconds])) <= otp.maxSendsPerIp
    },
    /**
     * Read, not reserved: only a wrong code counts (countIpFailure). Guesses in flight
     * together may pass the cap by their number; that is the price of a lower bound.
     */
    async ipMayGuess(ip: string): Promise<boolean> {
      return Number(await redis.get(keys.ip(ip, 'failures'))) < otp.maxFailuresPerIp
    },
    async countIpFailure(ip: string): Promise<void> {
      await scripts.count([keys.ip(ip, 'failures')], [otp.failureWindowSeconds])
    },
    /** The pumping guard: false when the prefix has many sends and too few verified. */
    async prefixMaySend(range: string, phone: string): Promise<boolean> {
      const [sent, verified] = (await scripts.countSend(keys.range(range), [phone, pumping.windowSeconds])) as [number, number]
      return sent < pumping.minSends || verified >= pumping.minConversion * sent
    },
    async countVerified(range: string, phone: string): Promise<void> {
      await scripts.countVerified(keys.range(range), [phone, pumping.windowSeconds])
    },
    async storeCode(phone: string, digest: string): Promise<CodeOutcome> {
      const phoneKeys = [keys.phone(phone, 'code'), keys.phone(phone, 'cooldown'), keys.phone(phone, 'sends')]
      const args = [digest, otp.ttlSeconds, otp.resendCooldownSeconds, otp.maxSendsPerPhone, otp.sendWindowSeconds]
      return ((await scripts.storeCode(phoneKeys, args)) as [CodeOutcome, number])[0]
    },
    async checkCode(phone: string, digest: string): Promise<CheckOutcome> {
      const args = [digest, otp.maxAttempts, otp.maxFailuresPerPhone, otp.failureWindowSeconds]
      return ((await scripts.checkCode([keys.phone(phone, 'code'), keys.phone(phone, 'failures')], args)) as [CheckOutcome, number])[0]
    },
    async isRevoked(sessionId: string): Promise<boolean> {
      return (await redis.exists(keys.revoked(sessionId))) === 1
    },
  }
}

export type FloorStore = ReturnType<typeof floorStore>
