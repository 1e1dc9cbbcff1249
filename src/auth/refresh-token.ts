import { createHash } from 'node:crypto'
import type { RandomSource } from './otp.ts'

/**
 * Refresh tokens are `<sessionId>.<secret>`: the id finds the row, the 32-byte secret
 * proves possession. Only SHA-256 of the secret is stored — a fast hash suffices
 * because the secret has 256 bits of entropy, so there is nothing to brute-force.
 */

const secretBytes = 32
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const secretPattern = /^[A-Za-z0-9_-]{43}$/

export interface IssuedRefreshToken {
  token: string
  secretHash: Buffer
}

export function issueRefreshToken(sessionId: string, random: RandomSource): IssuedRefreshToken {
  const secret = random.bytes(secretBytes).toString('base64url')
  return { token: `${sessionId}.${secret}`, secretHash: hashRefreshSecret(secret) }
}

export function parseRefreshToken(token: string): { sessionId: string; secretHash: Buffer } | null {
  const dot = token.indexOf('.')
  if (dot < 0 || token.length > 128) return null
  const sessionId = token.slice(0, dot)
  const secret = token.slice(dot + 1)
  if (!uuidPattern.test(sessionId) || !secretPattern.test(secret)) return null
  return { sessionId, secretHash: hashRefreshSecret(secret) }
}

export function hashRefreshSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest()
}
