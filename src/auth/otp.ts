import { createHmac, randomBytes, randomInt } from 'node:crypto'

/** Where randomness comes from; injected so tests can see what would be random. */
export interface RandomSource {
  /** A uniformly random integer in [0, maxExclusive). */
  int(maxExclusive: number): number
  bytes(count: number): Buffer
}

// crypto.randomInt draws without modulo bias from the OS CSPRNG.
export const cryptoRandom: RandomSource = {
  int: (maxExclusive) => randomInt(maxExclusive),
  bytes: (count) => randomBytes(count),
}

/** A code of `length` decimal digits, each drawn independently (leading zeros allowed). */
export function generateCode(length: number, random: RandomSource): string {
  let code = ''
  for (let i = 0; i < length; i++) code += String(random.int(10))
  return code
}

export function isWellFormedCode(code: string, length: number): boolean {
  return code.length === length && /^[0-9]+$/.test(code)
}

/**
 * Where a code lives and what it can do: sign in with `phone`, or — with `change` — move
 * that user's account to `phone`, from that session only. A change code is stored apart
 * from the number's sign-in code (otp-store.ts) and its digest is bound to the user and
 * the session too, so it can never confirm anybody else's change.
 */
export interface CodeSlot {
  phone: string
  change?: { userId: string; sessionId: string }
}

/**
 * The only form in which a code is stored: HMAC-SHA256 keyed by OTP_SECRET over the
 * slot and the code. A leaked Redis dump then reveals nothing (brute-forcing 10^6
 * codes needs the key), and binding the phone stops a code for one number from
 * matching another number's digest. Change digests start with a label no phone number
 * can start with, so the two kinds never collide.
 */
export function codeDigest(secret: Buffer, slot: CodeSlot, code: string): string {
  const hmac = createHmac('sha256', secret)
  if (slot.change) hmac.update('phone-change').update('\u0000').update(slot.change.userId).update('\u0000').update(slot.change.sessionId).update('\u0000')
  return hmac.update(slot.phone).update('\u0000').update(code).digest('hex')
}
