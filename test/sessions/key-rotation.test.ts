import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestApp, testJwtPrivateKeyPem, useTestStores } from '../helpers.ts'

const stores = useTestStores()
const newKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const publicPem = (privatePem: string) => createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString()

describe('signing key rotation', () => {
  it('keeps people signed in: tokens of the previous key verify and the key stays published', async () => {
    const before = await createTestApp(stores)
    const session = await before.signIn()
    const after = await createTestApp({ ...stores, env: { JWT_PRIVATE_KEY: newKeyPem(), JWT_PREVIOUS_PUBLIC_KEYS: publicPem(testJwtPrivateKeyPem) } })
    const me = await after.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${session.accessToken}` } })
    expect(me.data).toEqual({ me: { id: session.user.id } })
    const jwks = await (await after.app.fetch('/.well-known/jwks.json')).json()
    expect(jwks.keys).toHaveLength(2)
  })

  it('publishes the next key before it signs, and accepts its tokens', async () => {
    const nextKey = newKeyPem()
    const current = await createTestApp({ ...stores, env: { JWT_NEXT_PUBLIC_KEYS: publicPem(nextKey) } })
    const promoted = await createTestApp({ ...stores, env: { JWT_PRIVATE_KEY: nextKey } })
    const session = await promoted.signIn()
    const me = await current.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${session.accessToken}` } })
    expect(me.data).toEqual({ me: { id: session.user.id } })
    const kids = (await (await current.app.fetch('/.well-known/jwks.json')).json()).keys.map((k: { kid: string }) => k.kid)
    expect(kids).toContain(promoted.deps.signer.jwks.keys[0]!.kid)
  })

  it('stops accepting a retired key once it is no longer configured', async () => {
    const before = await createTestApp(stores)
    const session = await before.signIn()
    const after = await createTestApp({ ...stores, env: { JWT_PRIVATE_KEY: newKeyPem() } })
    const me = await after.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${session.accessToken}` } })
    expect(me.data).toEqual({ me: null })
  })
})
