/**
 * The Lua scripts behind the OTP store. Each runs atomically in Redis, so no two
 * requests (on any number of server instances) can interleave inside one.
 *
 * Portability rules (real Redis and the in-process stand-in): return only integers
 * and strings; read hash fields through `str()` because a missing field is `false` in
 * Redis but a null userdata (truthy!) in the stand-in.
 */

const prelude = `
local function str(v) if type(v) == 'string' then return v end return nil end
local function num(v) return tonumber(str(v) or '0') or 0 end
`

/**
 * A fixed-window counter with a cap. KEYS[1] counter; ARGV cap, windowSeconds.
 * Reserves one unit, or answers how long until the window ends.
 */
export const reserveLua = `${prelude}
local cap = tonumber(ARGV[1])
if cap > 0 and num(redis.call('GET', KEYS[1])) >= cap then
  return {'LIMITED', redis.call('PTTL', KEYS[1])}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {'OK', 0}
`

/**
 * Gives back a reserved unit: the request was refused further on, or (failure budgets)
 * the verify turned out not to be a failure. KEYS[1] counter.
 */
export const refundLua = `${prelude}
if num(redis.call('GET', KEYS[1])) > 0 then redis.call('DECR', KEYS[1]) end
return 1
`

/**
 * Stores a new code for one phone. KEYS: code hash, cooldown, send counter.
 * ARGV: digest, codeId, ttlSeconds, cooldownSeconds, maxSends, sendWindowSeconds.
 * A refusal (cooldown, send cap) returns before anything is written, so the pending
 * code stays usable and its attempt counter untouched.
 */
export const storeCodeLua = `${prelude}
local cooldown = redis.call('PTTL', KEYS[2])
if cooldown > 0 then return {'COOLDOWN', cooldown} end
local maxSends = tonumber(ARGV[5])
if maxSends > 0 and num(redis.call('GET', KEYS[3])) >= maxSends then
  return {'SEND_CAP', redis.call('PTTL', KEYS[3])}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'digest', ARGV[1], 'id', ARGV[2], 'state', 'active', 'failures', '0')
redis.call('EXPIRE', KEYS[1], ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4]) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[6]) end
return {'STORED', redis.call('PTTL', KEYS[1])}
`

/**
 * After an SMS that definitely did not go out: delete the code and the cooldown, but
 * only if they still belong to that request (a newer code must survive).
 * KEYS: code hash, cooldown. ARGV: codeId.
 */
export const withdrawCodeLua = `${prelude}
if str(redis.call('HGET', KEYS[1], 'id')) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if str(redis.call('GET', KEYS[2])) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`

/**
 * Checks a code. KEYS: code hash, phone failure counter.
 * ARGV: digest, claimId, maxAttempts, maxFailuresPerPhone, failureWindowSeconds.
 * The digests compared here are HMACs under a key the caller does not know, so an
 * early-exit string comparison leaks nothing about the code.
 * A match CLAIMS the code: a racing verify now sees it as gone, and only the holder
 * of claimId may consume it or put it back.
 */
export const verifyCodeLua = `${prelude}
local maxFailures = tonumber(ARGV[4])
if maxFailures > 0 and num(redis.call('GET', KEYS[2])) >= maxFailures then
  return {'RATE_LIMITED', redis.call('PTTL', KEYS[2])}
end
local code = redis.call('HMGET', KEYS[1], 'digest', 'state')
local state = str(code[2])
-- The second value of TOO_MANY_ATTEMPTS is 1 when this very call burnt the code (a
-- counted failure) and 0 when it was burnt before.
if state == 'burnt' then return {'TOO_MANY_ATTEMPTS', 0} end
if state ~= 'active' then return {'EXPIRED', 0} end
if str(code[1]) == ARGV[1] then
  redis.call('HSET', KEYS[1], 'state', 'claimed', 'claim', ARGV[2])
  return {'CLAIMED', 0}
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
local used = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local remaining = tonumber(ARGV[3]) - used
if remaining <= 0 then
  redis.call('HDEL', KEYS[1], 'digest')
  redis.call('HSET', KEYS[1], 'state', 'burnt')
  return {'TOO_MANY_ATTEMPTS', 1}
end
return {'INCORRECT', remaining}
`

/** Ends a claim. KEYS: code hash. ARGV: claimId, 'consume' | 'release'. */
export const settleClaimLua = `${prelude}
local code = redis.call('HMGET', KEYS[1], 'state', 'claim')
if str(code[1]) ~= 'claimed' or str(code[2]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'consume' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'state', 'active')
  redis.call('HDEL', KEYS[1], 'claim')
end
return 1
`
