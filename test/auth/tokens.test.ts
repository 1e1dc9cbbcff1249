import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, type JWTPayload } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTokenSigner, type TokenSettings } from '../../src/auth/tokens.ts'

interface Ed25519Pair {
  privateKey: KeyObject
  privatePem: string
  publicPem: string
}

function ed25519(): Ed25519Pair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

async function kidOf(publicPem: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(createPublicKey(publicPem)), 'sha256')
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

const current = ed25519()
const now = new Date('2030-01-01T00:00:00Z')
const nowSeconds = now.getTime() / 1000
const claims = { userId: '5b1f1c1e-3f0a-4e63-9d55-0d0a1d1d1d01', sessionId: '9c2b7a44-1f7e-4c2b-8a8e-5b0f2c3d4e02' }
const settings: TokenSettings = { privateKeyPem: current.privatePem, issuer: 'phone-auth', audience: 'phone-auth', accessTokenTtlSeconds: 900 }
const signer = await createTokenSigner(settings)
const currentKid = await kidOf(current.publicPem)

/** A token with our claims (plus `overrides`), signed by `pair` and labelled with `kid`. */
async function forge(pair: Ed25519Pair, kid: string, overrides: JWTPayload = {}): Promise<string> {
  const payload = { sub: claims.userId, sid: claims.sessionId, iss: 'phone-auth', aud: 'phone-auth', iat: nowSeconds, exp: nowSeconds + 900, ...overrides }
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(pair.privateKey)
}

describe('signing access tokens', () => {
  it('signs a token that verifies to its userId and sessionId', async () => {
    const { token } = await signer.sign(claims, now)
    expect(await signer.verify(token, now)).toEqual(claims)
  })

  it('puts exactly sub, sid, iat, exp, iss and aud in the payload', async () => {
    const { token } = await signer.sign(claims, now)
    expect(decodeJwt(token)).toStrictEqual({
      sub: claims.userId,
      sid: claims.sessionId,
      iat: nowSeconds,
      exp: nowSeconds + 900,
      iss: 'phone-auth',
      aud: 'phone-auth',
    })
  })

  it('reports the expiry accessTokenTtlSeconds after now', async () => {
    expect((await signer.sign(claims, now)).expiresAt).toEqual(new Date(now.getTime() + 900_000))
  })

  it('uses alg EdDSA and the RFC 7638 SHA-256 thumbprint of the public key as kid', async () => {
    const { token } = await signer.sign(claims, now)
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: currentKid })
  })
})

describe('verifying access tokens', () => {
  it('refuses a token whose payload was changed after signing', async () => {
    const { token } = await signer.sign(claims, now)
    const [header, , signature] = token.split('.')
    const payload = b64url({ ...decodeJwt(token), sub: 'someone-else' })
    expect(await signer.verify(`${header}.${payload}.${signature}`, now)).toBeNull()
  })

  it('refuses an unsigned token with alg none', async () => {
    const payload = decodeJwt((await signer.sign(claims, now)).token)
    expect(await signer.verify(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`, now)).toBeNull()
  })

  it('refuses a token signed by another Ed25519 key, even under our kid', async () => {
    expect(await signer.verify(await forge(ed25519(), currentKid), now)).toBeNull()
  })

  it('refuses an HS256 token keyed with the public key bytes', async () => {
    const payload = decodeJwt((await signer.sign(claims, now)).token)
    const signed = `${b64url({ alg: 'HS256', typ: 'JWT', kid: currentKid })}.${b64url(payload)}`
    for (const secret of [current.publicPem, createPublicKey(current.publicPem).export({ type: 'spki', format: 'der' })]) {
      const mac = createHmac('sha256', secret).update(signed).digest('base64url')
      expect(await signer.verify(`${signed}.${mac}`, now)).toBeNull()
    }
  })

  it('refuses a token from another issuer', async () => {
    expect(await signer.verify(await forge(current, currentKid, { iss: 'someone-else' }), now)).toBeNull()
  })

  it('refuses a token for another audience', async () => {
    expect(await signer.verify(await forge(current, currentKid, { aud: 'another-service' }), now)).toBeNull()
  })

  it('refuses a token once its expiry has passed', async () => {
    const { token, expiresAt } = await signer.sign(claims, now)
    expect(await signer.verify(token, new Date(expiresAt.getTime() + 1000))).toBeNull()
  })

  it('refuses a token without sid', async () => {
    expect(await signer.verify(await forge(current, currentKid, { sid: undefined }), now)).toBeNull()
  })

  it('refuses a 10 kB garbage string', async () => {
    expect(await signer.verify('x'.repeat(10_000), now)).toBeNull()
  })

  it('refuses an empty string', async () => {
    expect(await signer.verify('', now)).toBeNull()
  })
})

describe('key rotation', () => {
  const previous = [ed25519(), ed25519()]
  const next = ed25519()
  const rotating = createTokenSigner({
    ...settings,
    previousPublicKeysPem: previous.map((p) => p.publicPem).join(''),
    nextPublicKeysPem: next.publicPem,
  })

  it('publishes the current, previous and next public keys in the JWKS', async () => {
    const kids = await Promise.all([current, ...previous, next].map((p) => kidOf(p.publicPem)))
    expect((await rotating).jwks.keys.map((k) => k.kid)).toEqual(kids)
  })

  it('publishes no private key material', async () => {
    for (const key of (await rotating).jwks.keys) expect(key).not.toHaveProperty('d')
  })

  it('keeps accepting tokens signed by a previous key', async () => {
    const token = await forge(previous[1]!, await kidOf(previous[1]!.publicPem))
    expect(await (await rotating).verify(token, now)).toEqual(claims)
  })

  it('refuses tokens of a previous key once it is no longer configured', async () => {
    expect(await signer.verify(await forge(previous[0]!, await kidOf(previous[0]!.publicPem)), now)).toBeNull()
  })

  it('refuses a private key that is not Ed25519', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    await expect(createTokenSigner({ ...settings, privateKeyPem: ec })).rejects.toThrow(/Ed25519/)
  })
})
