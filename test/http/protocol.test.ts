import { describe, expect, it } from 'vitest'
import { createTestApp, useTestStores } from '../helpers.ts'

const stores = useTestStores()

describe('GraphQL over HTTP', () => {
  it('answers a GET without a query with 400 even to application/json clients', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', { headers: { accept: 'application/json' } })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST')
  })

  it('answers malformed JSON with 400 and does not echo the body', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "secret-123456' })
    expect(response.status).toBe(400)
    expect(await response.text()).not.toContain('secret-123456')
  })

  it('answers an empty POST body with 400', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' })
    expect(response.status).toBe(400)
  })

  it('puts the request id of the x-request-id header into every error', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nope }"}' })
    const body = await response.json()
    expect(body.errors[0].extensions.requestId).toBe(response.headers.get('x-request-id'))
  })

  it('serves GraphiQL to browsers from the package, with no outside host', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', { headers: { accept: 'text/html' } })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('renderYogaGraphiQL')
    expect(html).not.toMatch(/(src|href)=["']https?:\/\//)
  })

  it('publishes the signing key at /.well-known/jwks.json', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/.well-known/jwks.json')
    const jwks = await response.json()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    expect(jwks.keys[0]).not.toHaveProperty('d')
  })

  it('answers /healthz with 200', async () => {
    const t = await createTestApp(stores)
    expect((await t.app.fetch('/healthz')).status).toBe(200)
  })

  it('answers /readyz with 503 naming what is down', async () => {
    const t = await createTestApp(stores)
    t.deps.readinessChecks.push({ name: 'redis', check: () => Promise.reject(new Error('down')) })
    t.deps.readinessChecks.push({ name: 'database', check: () => Promise.resolve() })
    const response = await t.app.fetch('/readyz')
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'unavailable', down: ['redis'] })
  })
})

describe('request size', () => {
  it('refuses a body over 64 kB with 413 before reading it', async () => {
    const t = await createTestApp(stores)
    const body = JSON.stringify({ query: 'mutation($p: String!) { requestOtp(phone: $p) { __typename } }', variables: { p: '9'.repeat(70_000) } })
    const response = await t.app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body })
    expect(response.status).toBe(413)
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('still serves a 10 kB argument with a typed error', async () => {
    const t = await createTestApp(stores)
    expect(await t.requestOtp('9'.repeat(10_000))).toMatchObject({ __typename: 'InvalidPhoneError' })
  })
})
