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
 * The only form in which a code is stored: HMAC-SHA256 keyed by OTP_SECRET over the
 * phone and the code. A leaked Redis dump then reveals nothing (brute-forcing 10^6
 * codes needs the key), and binding the phone stops a code for one number from
 * matching another number's digest.
 */
export function codeDigest(secret: Buffer, phoneE164: string, code: string): string {
  return createHmac('sha256', secret).update(phoneE164).update('\u0000').update(code).digest('hex')
}
