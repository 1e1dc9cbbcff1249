import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { requestOtpMutation, useTestStores, verifyOtpMutation } from '../helpers.ts'
import { comparable, send, sendBoth, startTwoPaths, type Side, type TwoPaths } from '../support/two-paths.ts'

/**
 * The direct path (src/http/direct-path.ts) must answer exactly what Yoga answers. Two
 * apps on the same stores, one with it and one without, get the same requests over
 * real HTTP; each request is sent three times (a document is cached from its second
 * sighting), and the third answers must match: status, the headers a client reads, and
 * the body (request ids aside). Where the direct path should have answered, Yoga must
 * not have read the request at all — so the comparison cannot pass by both being Yoga.
 */

const stores = useTestStores()
const json = { 'content-type': 'application/json' }
const meDocument = 'query Me { me { id phone } }'
const body = (params: Record<string, unknown>) => JSON.stringify(params)

let pair: TwoPaths

beforeAll(async () => {
  pair = await startTwoPaths(stores)
})

afterAll(async () => {
  await pair?.close()
})

const acceptHeaders: [string, Record<string, string>][] = [
  ['no Accept header', {}],
  ['Accept */*', { accept: '*/*' }],
  ['Accept application/json', { accept: 'application/json' }],
  ['Accept application/graphql-response+json', { accept: 'application/graphql-response+json' }],
  ["Apollo Client's Accept", { accept: 'application/graphql-response+json,application/json;q=0.9' }],
  ["urql's Accept", { accept: 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed' }],
  ['an Accept of streams before JSON', { accept: 'text/event-stream, application/json' }],
  ['an Accept with a charset other than UTF-8 first', { accept: 'application/json; charset=latin1, application/graphql-response+json' }],
]

describe('the direct path answers as Yoga does', () => {
  it.each(acceptHeaders)('a repeated `me` without a token, with %s', async (_label, accept) => {
    const answers = await sendBoth(pair, { ...json, ...accept }, body({ query: meDocument }))
    expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
    expect(answers.direct.body).toBe('{"data":{"me":null}}')
    expect(answers.yogaSawThird).toBe(false)
  })

  it.each(acceptHeaders)('a typed error of requestOtp, with %s', async (_label, accept) => {
    const answers = await sendBoth(pair, { ...json, ...accept }, body({ query: requestOtpMutation, variables: { phone: 'not a phone' } }))
    expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
    expect(answers.direct.body).toContain('INVALID_PHONE')
    expect(answers.yogaSawThird).toBe(false)
  })

  it.each([
    ['a document that picks its operation by name', body({ query: `${meDocument} query Other { me { id } }`, operationName: 'Other' }), true],
    ['an operationName that names nothing', body({ query: meDocument, operationName: 'Nope' }), false],
    ['two operations and no operationName', body({ query: `${meDocument} query Other { me { id } }` }), false],
    ['a variable of the wrong type', body({ query: verifyOtpMutation, variables: { phone: 5, otp: '123456' } }), false],
    ['a missing variable', body({ query: verifyOtpMutation, variables: { phone: '+919812345678' } }), false],
    ['a code that is not digits', body({ query: verifyOtpMutation, variables: { phone: '+919812345678', otp: 'abcdef' } }), true],
    ['a 10 kB phone', body({ query: requestOtpMutation, variables: { phone: '9'.repeat(10_000) } }), true],
    ['an unknown member in the body', body({ query: meDocument, batch: true }), false],
    ['variables that are not an object', body({ query: meDocument, variables: [1] }), false],
    ['a body that is not JSON', '{"query": "{ me { id } }"', false],
    ['a body that is a JSON array', '[{"query":"{ me { id } }"}]', false],
    ['a document that does not validate', body({ query: '{ me { nope } }' }), false],
  ])('%s', async (_label, text, direct) => {
    for (const accept of [{ accept: 'application/json' }, { accept: 'application/graphql-response+json' }]) {
      const answers = await sendBoth(pair, { ...json, ...accept }, text)
      expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
      expect(answers.yogaSawThird).toBe(!direct)
    }
  })

  it('a `me` with a valid token, answering the caller', async () => {
    const tokens = new Map<Side, string>()
    for (const side of [pair.direct, pair.viaYoga]) tokens.set(side, (await side.t.signIn()).accessToken as string)
    const answers = await sendBoth(pair, { ...json, accept: 'application/json' }, body({ query: 'query Me { me { __typename } }' }), (side) => ({ authorization: `Bearer ${tokens.get(side)}` }))
    expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
    expect(answers.direct.body).toBe('{"data":{"me":{"__typename":"User"}}}')
    expect(answers.yogaSawThird).toBe(false)
  })

  it.each([
    ['an outage (SERVICE_UNAVAILABLE)', () => new ServiceUnavailableError('redis')],
    ['an unexpected failure (masked)', () => new Error('connection string with a secret')],
  ])('a field error from %s', async (_label, failure) => {
    const tokens = new Map<Side, string>()
    for (const side of [pair.direct, pair.viaYoga]) tokens.set(side, (await side.t.signIn()).accessToken as string)
    const restore = [pair.direct, pair.viaYoga].map((side) => vi.spyOn(side.t.deps.revocations, 'isRevoked').mockRejectedValue(failure()))
    try {
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const answers = await sendBoth(pair, { ...json, accept }, body({ query: meDocument }), (side) => ({ authorization: `Bearer ${tokens.get(side)}` }))
        expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
        expect(answers.direct.body).not.toContain('secret')
        expect(answers.yogaSawThird).toBe(false)
      }
    } finally {
      restore.forEach((spy) => spy.mockRestore())
    }
  })

  it('a browser request (with Origin) is left to Yoga, which adds the CORS headers', async () => {
    const answers = await sendBoth(pair, { ...json, origin: 'https://app.example.com' }, body({ query: meDocument }))
    expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
    expect(answers.yogaSawThird).toBe(true)
  })

  it('counts the same operations in the metrics', async () => {
    const counted = async (side: Side) => (await side.t.deps.metrics.registry.getSingleMetricAsString('phone_auth_graphql_fields_total')).split('\n').filter((line) => !line.startsWith('#')).sort()
    expect(await counted(pair.direct)).toEqual(await counted(pair.viaYoga))
    expect((await counted(pair.direct)).join('\n')).toMatch(/field="me",outcome="error"/)
  })
})

describe('the direct path on a broken request', () => {
  it('survives a client that hangs up before its declared body is complete', async () => {
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port: pair.direct.port, path: '/graphql', method: 'POST', headers: { ...json, 'content-length': '500' } })
      outgoing.on('error', () => resolve())
      outgoing.write('{"query":"{ me')
      setTimeout(() => {
        outgoing.destroy()
        resolve()
      }, 50)
    })
    const after = await send(pair.direct.port, json, body({ query: meDocument }))
    expect(after.status).toBe(200)
  })
})
