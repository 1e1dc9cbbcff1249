import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify } from 'jose'
import { floorLimits } from './limits.ts'

/**
 * The floor's tokens: an Ed25519 (EdDSA) access JWT with the claims the service puts in
 * its own (sub, sid, iat, exp, iss, aud; kid in the header), and a refresh token of
 * which only the SHA-256 of its 32 random bytes is stored.
 */

export interface AccessClaims {
  userId: string
  sessionId: string
}

const maxTokenLength = 4096

export async function floorTokens(privateKeyPem: string) {
  const privateKey = createPrivateKey(privateKeyPem)
  const publicKey = createPublicKey(privateKey)
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256')
  const { issuer, audience, accessTokenTtlSeconds } = floorLimits.jwt
  return {
    async sign({ userId, sessionId }: AccessClaims, now: Date): Promise<string> {
      const issuedAt = Math.floor(now.getTime() / 1000)
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + accessTokenTtlSeconds)
        .sign(privateKey)
    },
    /** The claims of a valid token, or null. */
    async verify(token: string): Promise<AccessClaims | null> {
      if (token.length > maxTokenLength) return null
      return verifyWith(publicKey, token, issuer, audience)
    },
  }
}

async function verifyWith(key: KeyObject, token: string, issuer: string, audience: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['EdDSA'], issuer, audience, requiredClaims: ['sub', 'sid', 'iat', 'exp'] })
    return typeof payload.sub === 'string' && typeof payload.sid === 'string' ? { userId: payload.sub, sessionId: payload.sid } : null
  } catch {
    return null
  }
}

export function newRefreshToken(sessionId: string): { token: string; secretHash: Buffer } {
  const secret = randomBytes(32).toString('base64url')
  return { token: `${sessionId}.${secret}`, secretHash: createHash('sha256').update(secret).digest() }
}
