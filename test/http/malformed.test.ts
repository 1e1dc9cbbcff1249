import { describe, expect, it } from 'vitest'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'

/**
 * Every malformed HTTP request is a 4xx with `extensions.code` BAD_REQUEST, from GET or
 * POST, whatever the Accept header: never a 500, never INTERNAL_SERVER_ERROR.
 */

const stores = useTestStores()

const acceptHeaders = ['application/json', 'application/graphql-response+json']
const meQuery = encodeURIComponent('query Me { me { id } }')
const json = { 'content-type': 'application/json' }

function chunkedBody(totalBytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`{"query":"${'#'.repeat(1000)}`)
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close()
      controller.enqueue(chunk)
      sent += chunk.length
    },
  })
}

const malformed: Array<[string, string, RequestInit, number]> = [
  ['bad JSON in a GET variables parameter', `/graphql?query=${meQuery}&variables={"a":`, {}, 400],
  ['bad JSON in a GET extensions parameter', `/graphql?query=${meQuery}&extensions=nope`, {}, 400],
  ['a GET variables parameter that is an array', `/graphql?query=${meQuery}&variables=[1]`, {}, 400],
  ['a GET variables parameter that is a number', `/graphql?query=${meQuery}&variables=5`, {}, 400],
  ['a POST variables member that is a string', '/graphql', { method: 'POST', headers: json, body: '{"query":"{ me { id } }","variables":"x"}' }, 400],
  ['bad JSON in a form-encoded variables field', '/graphql', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7Bme%7Bid%7D%7D&variables=%7B' }, 400],
  ['a mutation sent by GET', `/graphql?query=${encodeURIComponent('mutation { revokeOtherSessions }')}`, {}, 405],
  ['a text/plain body', '/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' }, 415],
  ['a multipart body (no uploads here)', '/graphql', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' }, 415],
  ['a PUT', '/graphql', { method: 'PUT', headers: json, body: '{"query":"{ me { id } }"}' }, 405],
  ['bad JSON in a POST body', '/graphql', { method: 'POST', headers: json, body: '{"query": "{ me' }, 400],
  ['a POST body that is null', '/graphql', { method: 'POST', headers: json, body: 'null' }, 400],
  ['a query that is not a string', '/graphql', { method: 'POST', headers: json, body: '{"query":5}' }, 400],
  ['an unknown request member', '/graphql', { method: 'POST', headers: json, body: '{"query":"{ me { id } }","pwn":1}' }, 400],
  ['a documentId that is not a string', '/graphql', { method: 'POST', headers: json, body: '{"documentId":5}' }, 400],
  ['a batch', '/graphql', { method: 'POST', headers: json, body: '[{"query":"{ me { id } }"}]' }, 400],
  ['a declared body over 64 kB', '/graphql', { method: 'POST', headers: { ...json, 'content-length': '70000' }, body: 'x'.repeat(70_000) }, 413],
]

async function send(t: TestApp, url: string, init: RequestInit, accept: string) {
  const response = await t.app.fetch(url, { ...init, headers: { accept, ...(init.headers as Record<string, string>) } })
  const text = await response.text()
  return { status: response.status, text, body: JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] } }
}

describe.each(acceptHeaders)('a malformed request with Accept: %s', (accept) => {
  it.each(malformed)('answers %s with a 4xx BAD_REQUEST', async (_label, url, init, status) => {
    const t = await createTestApp(stores)
    const answer = await send(t, url, init, accept)
    expect(answer.status).toBe(status)
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST'])
    expect(answer.text).not.toContain('INTERNAL_SERVER_ERROR')
  })

  it('answers a chunked body that grows over 64 kB with 413 BAD_REQUEST', async () => {
    const t = await createTestApp(stores)
    const init = { method: 'POST', headers: json, body: chunkedBody(200_000), duplex: 'half' } as RequestInit
    const answer = await send(t, '/graphql', init, accept)
    expect(answer.status).toBe(413)
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST'])
  })

  it('does not echo bad JSON from a GET parameter', async () => {
    const t = await createTestApp(stores)
    const answer = await send(t, `/graphql?query=${meQuery}&variables={"otp":"secret-424242"`, {}, accept)
    expect(answer.status).toBe(400)
    expect(answer.text).not.toContain('secret-424242')
  })
})

describe('a well-formed request whose document cannot run', () => {
  const wrongType = JSON.stringify({ query: 'mutation($p: String!) { requestOtp(phone: $p) { __typename } }', variables: { p: 5 } })
  const unknownOperation = JSON.stringify({ query: 'query Me { me { id } }', operationName: 'Nobody' })

  it.each([
    ['a variable of the wrong type', wrongType, 'BAD_USER_INPUT'],
    ['an operationName that names nothing', unknownOperation, 'OPERATION_RESOLUTION_FAILURE'],
  ])('answers %s with 400 to application/graphql-response+json', async (_label, body, code) => {
    const t = await createTestApp(stores)
    const answer = await send(t, '/graphql', { method: 'POST', headers: json, body }, 'application/graphql-response+json')
    expect(answer.status).toBe(400)
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code)
  })

  it.each([
    ['a variable of the wrong type', wrongType, 'BAD_USER_INPUT'],
    ['an operationName that names nothing', unknownOperation, 'OPERATION_RESOLUTION_FAILURE'],
  ])('answers %s with 200 and errors to application/json', async (_label, body, code) => {
    const t = await createTestApp(stores)
    const answer = await send(t, '/graphql', { method: 'POST', headers: json, body }, 'application/json')
    expect(answer.status).toBe(200)
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code)
    expect(t.inbox.messages).toHaveLength(0)
  })
})
