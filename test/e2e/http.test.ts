import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { meQuery, requestOtpMutation, verifyOtpMutation } from '../support/http-client.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * Protocol-level bad input against the running service (config.md, GraphQL over HTTP):
 * never a 5xx, never a crash, and every error answer carries the request id of its
 * `x-request-id` header.
 */

const graphqlResponse = 'application/graphql-response+json'
const plainJson = 'application/json'

interface Exchange {
  label: string
  status: number
  requestId: string | null
  text: string
  json: any
}

describe('GraphQL over HTTP: bad input', () => {
  let server: ServerProcess
  const exchanges: Exchange[] = []

  beforeAll(async () => {
    server = await startServer()
  })

  afterAll(async () => {
    await server?.stop()
  })

  async function call(label: string, path: string, init: RequestInit = {}): Promise<Exchange> {
    const response = await fetch(`${server.baseUrl}${path}`, init)
    const text = await response.text()
    let json: any
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const exchange = { label, status: response.status, requestId: response.headers.get('x-request-id'), text, json }
    exchanges.push(exchange)
    return exchange
  }

  const post = (label: string, body: string, accept: string) =>
    call(label, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body })

  const operation = (label: string, query: string, variables: Record<string, unknown> | undefined, accept: string, headers: Record<string, string> = {}) =>
    call(label, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, ...headers },
      body: JSON.stringify({ query, variables }),
    })

  describe.each([graphqlResponse, plainJson])('Accept: %s', (accept) => {
    it('answers 400 to malformed JSON', async () => {
      const answer = await post(`malformed JSON (${accept})`, '{"query": "{ me { id } }", ', accept)
      expect(answer.status).toBe(400)
    })

    it('answers 400 to an empty POST body', async () => {
      const answer = await post(`empty body (${accept})`, '', accept)
      expect(answer.status).toBe(400)
    })

    it('answers 4xx to a GET without a query', async () => {
      const answer = await call(`GET without query (${accept})`, '/graphql', { headers: { accept } })
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
    })
  })

  it('answers 400 with GRAPHQL_PARSE_FAILED to a document that does not parse (graphql-response+json)', async () => {
    const answer = await operation('parse error (graphql-response+json)', '{ me { id }', undefined, graphqlResponse)
    expect(answer.status).toBe(400)
    expect(answer.json?.errors?.length).toBeGreaterThan(0)
    expect(answer.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
    expect(answer.json.data).toBeUndefined()
  })

  it('answers 400 with GRAPHQL_VALIDATION_FAILED to a document that does not validate (graphql-response+json)', async () => {
    const answer = await operation('validation error (graphql-response+json)', '{ me { id noSuchField } }', undefined, graphqlResponse)
    expect(answer.status).toBe(400)
    expect(answer.json?.errors?.length).toBeGreaterThan(0)
    expect(answer.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('answers 200 with errors to the same documents under Accept: application/json', async () => {
    const parse = await operation('parse error (application/json)', '{ me { id }', undefined, plainJson)
    expect(parse.status).toBe(200)
    expect(parse.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
    const validation = await operation('validation error (application/json)', '{ me { id noSuchField } }', undefined, plainJson)
    expect(validation.status).toBe(200)
    expect(validation.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('answers a 10 kB phone string with InvalidPhoneError, HTTP 200', async () => {
    for (const phone of [`+${'9'.repeat(10 * 1024)}`, 'x'.repeat(10 * 1024)]) {
      const answer = await operation('10 kB phone', requestOtpMutation, { phone }, graphqlResponse)
      expect(answer.status).toBe(200)
      expect(answer.json.errors).toBeUndefined()
      expect(answer.json.data.requestOtp).toMatchObject({ __typename: 'InvalidPhoneError', code: 'INVALID_PHONE' })
      // The answer does not echo the input back.
      expect(answer.text.length).toBeLessThan(2_000)
    }
  })

  it('answers a non-digit code with InvalidOtpError MALFORMED, HTTP 200', async () => {
    for (const otp of ['abcdef', '12 456', '１２３４５６', '']) {
      const answer = await operation('non-digit otp', verifyOtpMutation, { phone: '9812345678', otp }, graphqlResponse)
      expect(answer.status).toBe(200)
      expect(answer.json.errors).toBeUndefined()
      expect(answer.json.data.verifyOtp).toMatchObject({ __typename: 'InvalidOtpError', code: 'INVALID_OTP', reason: 'MALFORMED' })
    }
  })

  it('answers `me` with null for a missing or unusable Authorization header', async () => {
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Bearer garbage' },
      { authorization: 'Bearer a.b.c' },
      { authorization: `Bearer ${'x'.repeat(8 * 1024)}` },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]
    for (const headers of headerSets) {
      const answer = await operation(`me with ${JSON.stringify(headers).slice(0, 40)}`, meQuery, undefined, graphqlResponse, headers)
      expect(answer.status).toBe(200)
      expect(answer.json).toEqual({ data: { me: null } })
    }
  })

  it('never answered a 5xx, and every error answer carries its x-request-id', () => {
    expect(exchanges.length).toBeGreaterThan(10)
    for (const exchange of exchanges) {
      expect(exchange.status, exchange.label).toBeLessThan(500)
      expect(exchange.requestId, `${exchange.label}: x-request-id header`).toMatch(/\S{8,}/)
      for (const error of exchange.json?.errors ?? []) {
        expect(error.extensions?.requestId, `${exchange.label}: ${JSON.stringify(error)}`).toBe(exchange.requestId)
      }
    }
  })

  it('still answers /healthz, and is still running', async () => {
    const health = await fetch(`${server.baseUrl}/healthz`)
    expect(health.status).toBe(200)
    const exit = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve('running'), 100))])
    expect(exit).toBe('running')
    expect(server.logs()).not.toMatch(/uncaught|unhandled/i)
  })
})
