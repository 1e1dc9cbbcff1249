import { describe, expect, it } from 'vitest'
import { graphqlLimits } from '../../src/http/graphql-limits.ts'
import { createTestApp, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'

/**
 * Issue 3, "GraphQL multiplication": one HTTP request carrying many aliased fields or
 * many operations gets no more tries than the same number of separate requests, because
 * every limit is counted per resolver call in Redis. Documents over the alias limit,
 * batched bodies and ambiguous multi-operation documents never reach a resolver.
 */

const stores = useTestStores()
const N = graphqlLimits.maxAliases
const strict = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }
const client = '203.0.113.50'

async function post(t: TestApp, body: unknown, ip = client) {
  const response = await t.app.fetch('/graphql', { method: 'POST', headers: strict, body: JSON.stringify(body) }, ip)
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } }
}

function aliasedVerify(count: number): string {
  const fields = Array.from({ length: count }, (_, i) =>
    `v${i}: verifyOtp(phone: $phone, otp: $otp) { __typename ... on InvalidOtpError { reason attemptsRemaining } }`)
  return `mutation($phone: String!, $otp: String!) { ${fields.join(' ')} }`
}

function aliasedRequest(phones: string[]): string {
  const fields = phones.map((phone, i) => `r${i}: requestOtp(phone: "${phone}") { __typename }`)
  return `mutation { ${fields.join(' ')} }`
}

async function pending(t: TestApp) {
  const phone = uniquePhone()
  expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
  return { phone, code: t.inbox.lastCodeFor(phone) }
}

describe('aliased fields are counted one by one', () => {
  it(`spends exactly ${N} attempts with ${N} aliased wrong verifyOtp fields, as ${N} separate requests do`, async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: String(N + 5) } })
    const aliased = await pending(t)
    const { status, body } = await post(t, { query: aliasedVerify(N), variables: { phone: aliased.phone, otp: wrongCode(aliased.code) } })
    expect(status).toBe(200)
    expect(Object.values(body.data!).map((answer: any) => answer.attemptsRemaining)).toEqual(
      Array.from({ length: N }, (_, i) => N + 5 - 1 - i),
    )
    const separate = await pending(t)
    for (let i = 0; i < N; i++) await t.verifyOtp(separate.phone, wrongCode(separate.code), client)
    const next = { reason: 'INCORRECT', attemptsRemaining: 4 }
    expect(await t.verifyOtp(aliased.phone, wrongCode(aliased.code))).toMatchObject(next)
    expect(await t.verifyOtp(separate.phone, wrongCode(separate.code))).toMatchObject(next)
  })

  it('burns a code inside one aliased request once OTP_MAX_ATTEMPTS is reached', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '3' } })
    const { phone, code } = await pending(t)
    const { body } = await post(t, { query: aliasedVerify(N), variables: { phone, otp: wrongCode(code) } })
    const reasons = Object.values(body.data!).map((answer: any) => answer.reason)
    expect(reasons.slice(0, 3)).toEqual(['INCORRECT', 'INCORRECT', 'TOO_MANY_ATTEMPTS'])
    expect(new Set(reasons.slice(3))).toEqual(new Set(['TOO_MANY_ATTEMPTS']))
    expect(await t.verifyOtp(phone, code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it(`counts ${N} aliased requestOtp fields for ${N} numbers from one IP against OTP_MAX_SENDS_PER_IP`, async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_IP: String(N - 1) } })
    const phones = Array.from({ length: N }, () => uniquePhone())
    const { body } = await post(t, { query: aliasedRequest(phones) })
    const types = Object.values(body.data!).map((answer: any) => answer.__typename)
    expect(types).toEqual([...Array<string>(N - 1).fill('OtpSent'), 'RateLimitedError'])
    expect(t.inbox.messages).toHaveLength(N - 1)
    expect(await t.requestOtp(uniquePhone(), client)).toMatchObject({ __typename: 'RateLimitedError' })
  })
})

describe('documents that must not run at all', () => {
  it(`refuses ${N + 1} aliased verifyOtp fields with a 400 and counts no attempt`, async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_FAILURES_PER_IP: '1' } })
    const { phone, code } = await pending(t)
    const { status, body } = await post(t, { query: aliasedVerify(N + 1), variables: { phone, otp: wrongCode(code) } })
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(body.data).toBeUndefined()
    // Neither the code's attempts nor the IP's one failure were spent.
    expect(await t.verifyOtp(phone, wrongCode(code), client)).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 4 })
  })

  it(`refuses ${N + 1} aliased requestOtp fields without sending an SMS or spending the IP budget`, async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_SENDS_PER_IP: '1' } })
    const phones = Array.from({ length: N + 1 }, () => uniquePhone())
    const { status } = await post(t, { query: aliasedRequest(phones) })
    expect(status).toBe(400)
    expect(t.inbox.messages).toHaveLength(0)
    expect(await t.requestOtp(phones[0]!, client)).toMatchObject({ __typename: 'OtpSent' })
  })

  it('refuses a batched JSON array body with a 4xx and counts no attempt', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await pending(t)
    const operation = { query: aliasedVerify(1), variables: { phone, otp: wrongCode(code) } }
    const { status } = await post(t, [operation, operation, operation])
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 4 })
  })

  it('refuses a batched JSON array of requestOtp operations without sending an SMS', async () => {
    const t = await createTestApp(stores)
    const batch = [uniquePhone(), uniquePhone()].map((phone) => ({ query: aliasedRequest([phone]) }))
    const { status } = await post(t, batch)
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    expect(t.inbox.messages).toHaveLength(0)
  })
})

describe('documents with several operations', () => {
  const [first, second] = [uniquePhone(), uniquePhone()]
  const twoOperations = `
    mutation First { requestOtp(phone: "${first}") { __typename } }
    mutation Second { requestOtp(phone: "${second}") { __typename } }`

  it('runs only the operation named by operationName', async () => {
    const t = await createTestApp(stores)
    const { status, body } = await post(t, { query: twoOperations, operationName: 'Second' })
    expect(status).toBe(200)
    expect(body.data).toEqual({ requestOtp: { __typename: 'OtpSent' } })
    expect(t.inbox.countFor(second)).toBe(1)
    expect(t.inbox.countFor(first)).toBe(0)
  })

  it('runs none of them without an operationName', async () => {
    const t = await createTestApp(stores)
    const { status, body } = await post(t, { query: twoOperations })
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    expect(body.errors?.length).toBeGreaterThan(0)
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('counts one attempt for a guess document whose other operations are not named', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await pending(t)
    const operations = Array.from({ length: 5 }, (_, i) =>
      `mutation Guess${i} { verifyOtp(phone: "${phone}", otp: "${wrongCode(code)}") { __typename } }`).join('\n')
    expect((await post(t, { query: operations, operationName: 'Guess3' })).status).toBe(200)
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 3 })
  })
})
