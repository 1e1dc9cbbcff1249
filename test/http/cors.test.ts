import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.ts'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'

/**
 * Browsers may call the API only from CORS_ORIGINS; without it, from no other origin.
 * Credentials never (tokens travel in a header), the `null` origin never, and every
 * answer carries `Vary: Origin`.
 */

const stores = useTestStores()
const allowed = 'https://app.example.com'

function preflight(t: TestApp, origin: string) {
  return t.app.fetch('/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  })
}

function crossOriginPost(t: TestApp, origin: string) {
  return t.app.fetch('/graphql', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' })
}

describe('CORS with CORS_ORIGINS set', () => {
  const env = { CORS_ORIGINS: `${allowed}, https://admin.example.com` }

  it('answers a preflight from an allowed origin with that origin, the methods and headers', async () => {
    const response = await preflight(await createTestApp({ ...stores, env }), allowed)
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed)
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization')
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/)
  })

  it('lets an allowed origin read the answer of a request, without credentials', async () => {
    const response = await crossOriginPost(await createTestApp({ ...stores, env }), allowed)
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed)
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/)
  })

  it.each([
    ['an unknown origin', 'https://evil.test'],
    ['a look-alike suffix', 'https://app.example.com.evil.test'],
    ['a look-alike prefix', 'https://evilapp.example.com'],
    ['another scheme', 'http://app.example.com'],
    ['another port', 'https://app.example.com:8443'],
    ['the null origin', 'null'],
  ])('refuses a preflight from %s', async (_label, origin) => {
    const t = await createTestApp({ ...stores, env })
    const response = await preflight(t, origin)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/)
    expect((await crossOriginPost(t, origin)).headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('CORS without CORS_ORIGINS', () => {
  it('allows no cross-origin access, to any origin', async () => {
    const t = await createTestApp(stores)
    for (const origin of [allowed, 'https://evil.test', 'null']) {
      const response = await preflight(t, origin)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
      expect(response.headers.get('access-control-allow-credentials')).toBeNull()
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/)
    }
  })

  it('says Vary: Origin on every answer, the plain routes included', async () => {
    const t = await createTestApp(stores)
    for (const path of ['/graphql?query=%7B__typename%7D', '/healthz', '/.well-known/jwks.json']) {
      expect((await t.app.fetch(path)).headers.get('vary')).toMatch(/\bOrigin\b/)
    }
  })
})

describe('CORS with CORS_ORIGINS=*', () => {
  it('allows any real origin but never the null origin, and never credentials', async () => {
    const t = await createTestApp({ ...stores, env: { CORS_ORIGINS: '*' } })
    const any = await preflight(t, 'https://anything.test')
    expect(any.headers.get('access-control-allow-origin')).toBe('https://anything.test')
    expect(any.headers.get('access-control-allow-credentials')).toBeNull()
    expect((await preflight(t, 'null')).headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('CORS_ORIGINS parsing', () => {
  it.each([['app.example.com'], ['https://app.example.com/path'], ['ftp://app.example.com'], ['https://app.example.com/']])(
    'refuses %s at start-up',
    (value) => {
      expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/)
    },
  )

  it('reads origins case-insensitively', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://App.Example.com' })
    expect(config.corsOrigins).toEqual(new Set(['https://app.example.com']))
  })
})
