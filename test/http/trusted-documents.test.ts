import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseTrustedDocuments, TrustedDocumentsError, type TrustedDocuments } from '../../src/http/trusted-documents.ts'
import { schema } from '../../src/schema/index.ts'
import { createTestApp, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'
import { projectRoot } from '../support/server-process.ts'

/**
 * TRUSTED_DOCUMENTS: only the manifest's operations run, picked by `documentId` or by
 * Apollo's `extensions.persistedQuery.sha256Hash`; raw queries and unknown ids are
 * refused with a 4xx before anything runs.
 */

const stores = useTestStores()
export const manifestPath = path.join(projectRoot, 'test', 'generated', 'persisted-documents.json')
const manifestText = readFileSync(manifestPath, 'utf8')
const manifest = JSON.parse(manifestText) as Record<string, string>

/** The manifest id of the operation named `name`. */
function idOf(name: string): string {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`\\b(query|mutation) ${name}\\b`).test(text))
  if (!entry) throw new Error(`no ${name} in the manifest`)
  return entry[0]
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }

let documents: TrustedDocuments

beforeAll(() => {
  documents = parseTrustedDocuments(manifestText, schema)
})

async function post(t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = json) {
  const response = await t.app.fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } }
}

async function trustedApp(): Promise<TestApp> {
  return createTestApp({ ...stores, trustedDocuments: documents })
}

describe('a server with TRUSTED_DOCUMENTS', () => {
  it('runs a manifest operation picked by documentId', async () => {
    const t = await trustedApp()
    const answer = await post(t, { documentId: idOf('RequestOtp'), variables: { phone: uniquePhone() } })
    expect(answer.status).toBe(200)
    expect(answer.body.data.requestOtp.__typename).toBe('OtpSent')
    expect(t.inbox.messages).toHaveLength(1)
  })

  it('accepts a documentId written sha256:<hex>, by GET', async () => {
    const t = await trustedApp()
    const response = await t.app.fetch(`/graphql?documentId=sha256:${idOf('Me')}`, { headers: { accept: 'application/graphql-response+json' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ data: { me: null } })
  })

  it("runs a manifest operation picked by Apollo's persistedQuery extension", async () => {
    const t = await trustedApp()
    const extensions = { persistedQuery: { version: 1, sha256Hash: idOf('RequestOtp') } }
    const answer = await post(t, { extensions, variables: { phone: uniquePhone() } })
    expect(answer.body.data.requestOtp.__typename).toBe('OtpSent')
  })

  it('signs in with the manifest operations alone', async () => {
    const t = await trustedApp()
    const phone = uniquePhone()
    await post(t, { documentId: idOf('RequestOtp'), variables: { phone } })
    const answer = await post(t, { documentId: idOf('VerifyOtp'), variables: { phone, otp: t.inbox.lastCodeFor(phone) } })
    expect(answer.body.data.verifyOtp).toMatchObject({ __typename: 'AuthSession', isNewUser: true })
  })

  it.each(['application/json', 'application/graphql-response+json'])('refuses a raw query with 400 PERSISTED_QUERY_ONLY (Accept: %s)', async (accept) => {
    const t = await trustedApp()
    const answer = await post(t, { query: 'mutation($p: String!) { requestOtp(phone: $p) { __typename } }', variables: { p: uniquePhone() } }, { ...json, accept })
    expect(answer.status).toBe(400)
    expect(answer.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_ONLY'])
    expect(answer.body.data).toBeUndefined()
    expect(t.inbox.messages).toHaveLength(0)
  })

  it.each(['application/json', 'application/graphql-response+json'])('refuses an unknown id with 404 PERSISTED_QUERY_NOT_FOUND (Accept: %s)', async (accept) => {
    const t = await trustedApp()
    for (const body of [{ documentId: sha256('query { me { id phone } }') }, { documentId: 'not-a-hash' }, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }]) {
      const answer = await post(t, body, { ...json, accept })
      expect(answer.status).toBe(404)
      expect(answer.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND'])
    }
  })

  it('counts no sign-in try for refused raw queries', async () => {
    const t = await createTestApp({ ...stores, trustedDocuments: documents, env: { OTP_MAX_ATTEMPTS: '3' } })
    const phone = uniquePhone()
    await post(t, { documentId: idOf('RequestOtp'), variables: { phone } })
    const code = t.inbox.lastCodeFor(phone)
    const raw = 'mutation($p: String!, $o: String!) { verifyOtp(phone: $p, otp: $o) { __typename } }'
    for (let i = 0; i < 5; i++) {
      expect((await post(t, { query: raw, variables: { p: phone, o: wrongCode(code) } })).status).toBe(400)
    }
    const wrong = await post(t, { documentId: idOf('VerifyOtp'), variables: { phone, otp: wrongCode(code) } })
    expect(wrong.body.data.verifyOtp).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 2 })
    const right = await post(t, { documentId: idOf('VerifyOtp'), variables: { phone, otp: code } })
    expect(right.body.data.verifyOtp.__typename).toBe('AuthSession')
  })

  it('runs the manifest text, never the query sent beside an id', async () => {
    const t = await trustedApp()
    const smuggled = 'mutation($p: String!) { requestOtp(phone: $p) { __typename } }'
    const answer = await post(t, { documentId: idOf('Me'), query: smuggled, variables: { p: uniquePhone() } })
    expect(answer.body).toEqual({ data: { me: null } })
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('registers nothing at run time: an id sent with its text stays unknown', async () => {
    const t = await trustedApp()
    const text = 'query Mine { me { id } }'
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } }
    expect((await post(t, { query: text, extensions })).status).toBe(404)
    expect((await post(t, { extensions })).body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND')
  })

  it('answers neither introspection nor GraphiQL', async () => {
    const t = await trustedApp()
    const introspection = await post(t, { query: '{ __schema { types { name } } }' })
    expect(introspection.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_ONLY')
    const page = await t.app.fetch('/graphql', { headers: { accept: 'text/html' } })
    expect(page.status).toBeGreaterThanOrEqual(400)
    expect(page.status).toBeLessThan(500)
    expect(await page.text()).not.toContain('<html')
  })

  it('refuses a request with neither an id nor a query as BAD_REQUEST', async () => {
    const answer = await post(await trustedApp(), { variables: {} })
    expect(answer.status).toBe(400)
    expect(answer.body.errors?.[0]?.extensions.code).toBe('BAD_REQUEST')
  })
})

describe('a server without TRUSTED_DOCUMENTS', () => {
  it('still runs raw queries, as before', async () => {
    const t = await createTestApp(stores)
    const answer = await post(t, { query: '{ me { id } }' })
    expect(answer.body).toEqual({ data: { me: null } })
  })
})

describe('loading a manifest', () => {
  const load = (entries: Record<string, string>) => () => parseTrustedDocuments(JSON.stringify(entries), schema)

  it('holds every client operation of the generated manifest', () => {
    expect([...documents.keys()].sort()).toEqual(Object.keys(manifest).sort())
    expect(documents.size).toBeGreaterThanOrEqual(8)
  })

  it('refuses a key that is not the SHA-256 of its document', () => {
    expect(load({ [sha256('query { me { id } }')]: 'query { me { phone } }' })).toThrow(/not the SHA-256/)
  })

  it('refuses a document that does not validate against the schema', () => {
    const text = 'query { nothing }'
    expect(load({ [sha256(text)]: text })).toThrow(/does not validate/)
  })

  it('refuses an introspection document', () => {
    const text = 'query { __schema { types { name } } }'
    expect(load({ [sha256(text)]: text })).toThrow(TrustedDocumentsError)
  })

  it('refuses a manifest that is not JSON or is empty', () => {
    expect(() => parseTrustedDocuments('{', schema)).toThrow(/not valid JSON/)
    expect(() => parseTrustedDocuments('{}', schema)).toThrow(/no documents/)
  })
})
