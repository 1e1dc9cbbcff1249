import { defineScript, redisCall as run, type RedisClient } from '../redis/client.ts'
import type { CodeSlot } from './otp.ts'
import * as lua from './otp-store-lua.ts'

/**
 * Codes, claims and abuse counters in Redis. The only module that knows these keys.
 * Keys of one phone share the hash tag {phone}, so each phone's script stays within
 * one Redis Cluster slot; IP and global counters are separate domains.
 *
 * A number's sign-in code lives at {phone}:otp; a user's pending change to that number
 * at {phone}:change:<userId>, beside it but never the same key, so neither kind can be
 * checked as the other. Both share the number's cooldown, send cap and failure budget:
 * a phone change is one more way to send that number an SMS or to guess at it. A
 * pointer per user names the number of its one pending change.
 */

export type CounterDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

export type StoreCodeOutcome =
  | { status: 'STORED'; ttlMs: number }
  | { status: 'COOLDOWN' | 'SEND_CAP'; retryAfterMs: number }

export type VerifyOutcome =
  | { status: 'CLAIMED' }
  | { status: 'INCORRECT'; attemptsRemaining: number }
  | { status: 'EXPIRED' }
  | { status: 'TOO_MANY_ATTEMPTS'; burntNow: boolean }
  | { status: 'RATE_LIMITED'; retryAfterMs: number }

export interface CodeLimits {
  ttlSeconds: number
  resendCooldownSeconds: number
  maxSendsPerPhone: number
  sendWindowSeconds: number
}

export interface AttemptLimits {
  maxAttempts: number
  maxFailuresPerPhone: number
  failureWindowSeconds: number
}

export type CounterScope = 'ip-sends' | 'ip-failures' | 'global-sends' | 'captcha-checks'

export function createOtpStore(redis: RedisClient, keyPrefix: string) {
  const scripts = {
    reserve: defineScript(redis, 'paReserve', lua.reserveLua, 1),
    refund: defineScript(redis, 'paRefund', lua.refundLua, 1),
    storeCode: defineScript(redis, 'paStoreCode', lua.storeCodeLua, 3),
    withdrawCode: defineScript(redis, 'paWithdrawCode', lua.withdrawCodeLua, 2),
    verifyCode: defineScript(redis, 'paVerifyCode', lua.verifyCodeLua, 2),
    settleClaim: defineScript(redis, 'paSettleClaim', lua.settleClaimLua, 1),
  }
  const phoneKey = (phone: string, part: string) => `${keyPrefix}{${phone}}:${part}`
  const codeKey = (slot: CodeSlot) => phoneKey(slot.phone, slot.change ? `change:${slot.change.userId}` : 'otp')
  const pendingChangeKey = (userId: string) => `${keyPrefix}pending-change:{${userId}}`

  /** One pending change per account: the newer request's number replaces the older's code. */
  async function replacePendingChange(userId: string, phone: string, ttlSeconds: number): Promise<void> {
    const previous = await run(redis.set(pendingChangeKey(userId), phone, 'EX', ttlSeconds, 'GET'))
    if (previous && previous !== phone) await run(redis.del(phoneKey(previous, `change:${userId}`)))
  }
  const counterKey = (scope: CounterScope, id: string) => `${keyPrefix}${scope}:{${id}}`

  return {
    /** Takes one unit of a capped window counter (cap 0 = no cap, nothing stored). */
    async reserve(scope: CounterScope, id: string, cap: number, windowSeconds: number): Promise<CounterDecision> {
      if (cap === 0) return { allowed: true }
      return toDecision(await run(scripts.reserve([counterKey(scope, id)], [cap, windowSeconds])))
    },
    async refund(scope: CounterScope, id: string, cap: number): Promise<void> {
      if (cap !== 0) await run(scripts.refund([counterKey(scope, id)], []))
    },
    async storeCode(slot: CodeSlot, digest: string, codeId: string, limits: CodeLimits): Promise<StoreCodeOutcome> {
      const keys = [codeKey(slot), phoneKey(slot.phone, 'cooldown'), phoneKey(slot.phone, 'sends')]
      const args = [digest, codeId, limits.ttlSeconds, limits.resendCooldownSeconds, limits.maxSendsPerPhone, limits.sendWindowSeconds]
      const [status, ms] = (await run(scripts.storeCode(keys, args))) as [string, number]
      if (status !== 'STORED') return { status: status as 'COOLDOWN' | 'SEND_CAP', retryAfterMs: ms }
      if (slot.change) await replacePendingChange(slot.change.userId, slot.phone, limits.ttlSeconds)
      return { status, ttlMs: ms }
    },
    async withdrawCode(slot: CodeSlot, codeId: string): Promise<void> {
      await run(scripts.withdrawCode([codeKey(slot), phoneKey(slot.phone, 'cooldown')], [codeId]))
    },
    async verifyCode(slot: CodeSlot, digest: string, claimId: string, limits: AttemptLimits): Promise<VerifyOutcome> {
      const keys = [codeKey(slot), phoneKey(slot.phone, 'failures')]
      const args = [digest, claimId, limits.maxAttempts, limits.maxFailuresPerPhone, limits.failureWindowSeconds]
      const [status, value] = (await run(scripts.verifyCode(keys, args))) as [string, number]
      if (status === 'INCORRECT') return { status, attemptsRemaining: value }
      if (status === 'RATE_LIMITED') return { status, retryAfterMs: value }
      if (status === 'TOO_MANY_ATTEMPTS') return { status, burntNow: value === 1 }
      return { status: status as 'CLAIMED' | 'EXPIRED' }
    },
    /** After the session is committed: the code is spent. */
    async consumeClaim(slot: CodeSlot, claimId: string): Promise<void> {
      await run(scripts.settleClaim([codeKey(slot)], [claimId, 'consume']))
    },
    /** After the database failed: the same code may be tried again. */
    async releaseClaim(slot: CodeSlot, claimId: string): Promise<void> {
      await run(scripts.settleClaim([codeKey(slot)], [claimId, 'release']))
    },
    /** The number's pending sign-in code (and any claim on it) is gone: it can never be used. */
    async discardCode(phone: string): Promise<void> {
      await run(redis.del(phoneKey(phone, 'otp')))
    },
    /** The user's pending phone change (if any) is gone: its code can never be used. */
    async discardPendingChange(userId: string): Promise<void> {
      const phone = await run(redis.getdel(pendingChangeKey(userId)))
      if (phone) await run(redis.del(phoneKey(phone, `change:${userId}`)))
    },
    /** Wrong tries the pending code still allows, without counting anything. */
    async attemptsRemaining(slot: CodeSlot, maxAttempts: number): Promise<number> {
      const [state, failures] = await run(redis.hmget(codeKey(slot), 'state', 'failures'))
      return state === 'active' ? Math.max(0, maxAttempts - Number(failures ?? 0)) : 0
    },
  }
}

export type OtpStore = ReturnType<typeof createOtpStore>

function toDecision(reply: unknown): CounterDecision {
  const [status, ms] = reply as [string, number]
  return status === 'OK' ? { allowed: true } : { allowed: false, retryAfterMs: ms }
}
