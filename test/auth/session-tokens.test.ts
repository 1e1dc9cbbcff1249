import { createHash } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import type { PrismaClient } from '../../src/generated/prisma/client.ts'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'

const stores = useTestStores()
const meQuery = '{ me { id phone createdAt lastSignInAt } }'

function bearer(token: string) {
  return { headers: { authorization: `Bearer ${token}` } }
}

describe('the session verifyOtp returns', () => {
  it('carries an EdDSA access token with only sub, sid, iat, exp, iss and aud', async () => {
    const t = await createTestApp({ ...stores, env: { ACCESS_TOKEN_TTL_SECONDS: '600', JWT_ISSUER: 'https://auth.example', JWT_AUDIENCE: 'example-app' } })
    const session = await t.signIn()
    const header = decodeProtectedHeader(session.accessToken)
    const claims = decodeJwt(session.accessToken)
    expect(header).toMatchObject({ alg: 'EdDSA', kid: t.deps.signer.jwks.keys[0]!.kid })
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sid', 'sub'])
    expect(claims).toMatchObject({ sub: session.user.id, sid: session.sessionId, iss: 'https://auth.example', aud: 'example-app' })
    expect(claims.exp! - claims.iat!).toBe(600)
    expect(session.expiresInSeconds).toBeGreaterThanOrEqual(599)
    expect(session.expiresInSeconds).toBeLessThanOrEqual(600)
    expect(Date.parse(session.expiresAt)).toBe(claims.exp! * 1000)
  })

  it('carries a refresh token <sessionId>.<secret> stored only as its SHA-256', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const [sessionId, secret] = session.refreshToken.split('.')
    expect(sessionId).toBe(session.sessionId)
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    const row = await stores.database.prisma.session.findUniqueOrThrow({ where: { id: sessionId } })
    expect(Buffer.from(row.currentSecretHash)).toEqual(createHash('sha256').update(secret).digest())
    expect(JSON.stringify(row)).not.toContain(secret)
  })

  it('records the user agent and IP of the sign-in on the session', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const answer = await t.gql(
      'mutation($p: String!, $o: String!) { verifyOtp(phone: $p, otp: $o) { ... on AuthSession { sessionId } } }',
      { p: phone, o: t.inbox.lastCodeFor(phone) },
      { headers: { 'user-agent': 'ExampleApp/1.0 (Android 14)' }, ip: '198.51.100.7' },
    )
    const row = await stores.database.prisma.session.findUniqueOrThrow({ where: { id: answer.data.verifyOtp.sessionId } })
    expect(row).toMatchObject({ userAgent: 'ExampleApp/1.0 (Android 14)', ip: '198.51.100.7' })
  })

  it('expires the refresh token after REFRESH_TOKEN_TTL_SECONDS, never past SESSION_MAX_AGE_SECONDS', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_TOKEN_TTL_SECONDS: '5000', SESSION_MAX_AGE_SECONDS: '4000' } })
    const session = await t.signIn()
    expect(Date.parse(session.refreshTokenExpiresAt) - t.clock.now().getTime()).toBe(4000_000)
  })
})

describe('me', () => {
  it('answers the signed-in user for a valid bearer token', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const answer = await t.gql(meQuery, {}, bearer(session.accessToken))
    expect(answer.data?.me).toMatchObject({ id: session.user.id, phone: session.user.phone })
  })

  it('answers null without an Authorization header', async () => {
    const t = await createTestApp(stores)
    expect((await t.gql(meQuery)).data).toEqual({ me: null })
  })

  it('answers null for a tampered token', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const [header, payload, signature] = session.accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')
    expect((await t.gql(meQuery, {}, bearer(`${header}.${forged}.${signature}`))).data).toEqual({ me: null })
  })

  it('answers null once the access token has expired', async () => {
    const t = await createTestApp({ ...stores, env: { ACCESS_TOKEN_TTL_SECONDS: '60' } })
    const session = await t.signIn()
    t.clock.advanceSeconds(61)
    expect((await t.gql(meQuery, {}, bearer(session.accessToken))).data).toEqual({ me: null })
  })

  it('answers null for a bearer value that is not a token', async () => {
    const t = await createTestApp(stores)
    expect((await t.gql(meQuery, {}, bearer('x'.repeat(10_000)))).data).toEqual({ me: null })
  })

  it('answers me { id } without reading the database', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const reads: string[] = []
    t.deps.prisma = new Proxy(stores.database.prisma, {
      get(target, property, receiver) {
        reads.push(String(property))
        return Reflect.get(target, property, receiver)
      },
    }) as PrismaClient
    const answer = await t.gql('{ me { id } }', {}, bearer(session.accessToken))
    expect(answer.data?.me).toEqual({ id: session.user.id })
    expect(reads).toEqual([])
  })
})

describe('what Redis holds', () => {
  it('never holds the code itself, only its HMAC', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    const redis = stores.redis.redis
    const keys = await redis.keys(`${stores.redis.keyPrefix}*`)
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      const type = await redis.type(key)
      const value =
        type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'set' ? JSON.stringify(await redis.smembers(key)) : String(await redis.get(key))
      expect(value).not.toContain(code)
    }
  })
})
