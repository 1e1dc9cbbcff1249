import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify, type JWK } from 'jose'

/**
 * Access tokens: EdDSA (Ed25519) JWTs carrying only sub, sid, iat, exp, iss, aud — no
 * phone number, so a token in a log or a crash report reveals no personal data.
 */

export interface TokenSettings {
  privateKeyPem: string
  previousPublicKeysPem?: string | undefined
  nextPublicKeysPem?: string | undefined
  issuer: string
  audience: string
  accessTokenTtlSeconds: number
}

export interface AccessClaims {
  userId: string
  sessionId: string
}

export interface SignedAccessToken {
  token: string
  expiresAt: Date
}

export interface TokenSigner {
  sign(claims: AccessClaims, now: Date): Promise<SignedAccessToken>
  /** The claims of a valid token, or null for anything else (never throws on bad input). */
  verify(token: string, now: Date): Promise<AccessClaims | null>
  /** The JWKS document served at /.well-known/jwks.json. */
  readonly jwks: { keys: JWK[] }
}

const pemPublicKeyBlocks = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g
/** A JWT longer than this is not one of ours; refuse before parsing it. */
const maxTokenLength = 4096

export async function createTokenSigner(settings: TokenSettings): Promise<TokenSigner> {
  const privateKey = createPrivateKey(settings.privateKeyPem)
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('JWT_PRIVATE_KEY must be an Ed25519 key')
  const currentJwk = await publicJwk(createPublicKey(privateKey))
  const otherJwks = await Promise.all(
    [settings.previousPublicKeysPem, settings.nextPublicKeysPem]
      .flatMap((pem) => (pem ?? '').match(pemPublicKeyBlocks) ?? [])
      .map((block) => publicJwk(createPublicKey(block))),
  )
  const jwks = { keys: [currentJwk, ...otherJwks.filter((k) => k.kid !== currentJwk.kid)] }
  const keySet = createLocalJWKSet(jwks)
  const { issuer, audience, accessTokenTtlSeconds } = settings

  return {
    jwks,
    async sign({ userId, sessionId }, now) {
      const issuedAtSeconds = Math.floor(now.getTime() / 1000)
      const expiresAtSeconds = issuedAtSeconds + accessTokenTtlSeconds
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: currentJwk.kid! })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .sign(privateKey)
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) }
    },
    async verify(token, now) {
      if (token.length > maxTokenLength) return null
      try {
        // Pinning the algorithm refuses `alg: none` and key-confusion tricks.
        const { payload } = await jwtVerify(token, keySet, {
          algorithms: ['EdDSA'],
          issuer,
          audience,
          currentDate: now,
          requiredClaims: ['sub', 'sid', 'iat', 'exp'],
        })
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null
        return { userId: payload.sub, sessionId: payload.sid }
      } catch {
        return null
      }
    },
  }
}

async function publicJwk(key: KeyObject): Promise<JWK> {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('JWT public keys must be Ed25519 keys')
  const jwk = await exportJWK(key)
  const kid = await calculateJwkThumbprint(jwk, 'sha256')
  return { ...jwk, kid, alg: 'EdDSA', use: 'sig' }
}
