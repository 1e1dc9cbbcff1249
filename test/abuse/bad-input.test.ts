import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'

/**
 * Issue 3, "Bad input", over GraphQL: typed errors for bad phones and codes on both
 * mutations, never a 500; arguments that break the schema are refused before any
 * resolver, with a 4xx to graphql-response+json clients. (requestOtp's bad phones and
 * verifyOtp's bad codes are in test/auth; protocol-level input in test/http and test/e2e.)
 */

const stores = useTestStores()
const strict = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }

async function post(t: TestApp, query: string, variables?: Record<string, unknown>) {
  const response = await t.app.fetch('/graphql', { method: 'POST', headers: strict, body: JSON.stringify({ query, variables }) })
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() }
}

const verifyTyped = `mutation($phone: String!, $otp: String!) { verifyOtp(phone: $phone, otp: $otp) {
  __typename ... on Error { code message } ... on InvalidOtpError { reason } } }`
const requestTyped = `mutation($phone: String!) { requestOtp(phone: $phone) { __typename ... on Error { code message } } }`

const badPhones: Array<[string, string]> = [
  ['empty', ''],
  ['only spaces', '   '],
  ['10 kB of digits', `+${'9'.repeat(10 * 1024)}`],
  ['10 kB of letters', 'x'.repeat(10 * 1024)],
  ['Devanagari digits', '+९१९८१२३४५६७८'],
  ['fullwidth digits', '＋９１９８１２３４５６７８'],
  ['Arabic-Indic digits', '٩٨١٢٣٤٥٦٧٨'],
  ['letters', 'my phone'],
  ['letters mixed into digits', '+91981234567O'],
  ['a control character', '+91981234\u00005678'],
  ['a number with an extension', '+919812345678 ext. 12'],
  ['a bare plus', '+'],
]

describe('verifyOtp with a bad phone', () => {
  it.each(badPhones)('answers %s with InvalidPhoneError, HTTP 200', async (_label, phone) => {
    const t = await createTestApp(stores)
    const { status, text } = await post(t, verifyTyped, { phone, otp: '123456' })
    expect(status).toBe(200)
    const body = JSON.parse(text)
    expect(body.errors).toBeUndefined()
    expect(body.data.verifyOtp).toMatchObject({ __typename: 'InvalidPhoneError', code: 'INVALID_PHONE' })
    expect(text.length).toBeLessThan(2_000)
  })

  it('accepts the number written with spaces and dashes', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const typed = `+91 ${phone.slice(3, 8)}-${phone.slice(8)}`
    expect(await t.verifyOtp(typed, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession', user: { phone } })
  })
})

describe('requestOtp with a bad phone', () => {
  it.each(badPhones.filter(([label]) => !/10 kB|Devanagari|^letters$|^empty$/.test(label)))(
    'answers %s with InvalidPhoneError and sends no SMS',
    async (_label, phone) => {
      const t = await createTestApp(stores)
      const { status, text } = await post(t, requestTyped, { phone })
      expect(status).toBe(200)
      expect(JSON.parse(text).data.requestOtp).toMatchObject({ __typename: 'InvalidPhoneError' })
      expect(t.inbox.messages).toHaveLength(0)
    },
  )
})

describe('verifyOtp with a bad code', () => {
  it.each([
    ['fullwidth digits', '１２３４５６'],
    ['digits with a space', '123 56'],
    ['a sign', '-12345'],
    ['an exponent', '1e5678'],
    ['a control character', '12345\u0000'],
  ])('answers %s with InvalidOtpError MALFORMED, HTTP 200', async (_label, otp) => {
    const t = await createTestApp(stores)
    const { status, text } = await post(t, verifyTyped, { phone: uniquePhone(), otp })
    expect(status).toBe(200)
    expect(JSON.parse(text).data.verifyOtp).toMatchObject({ __typename: 'InvalidOtpError', reason: 'MALFORMED' })
  })
})

describe('arguments that break the schema', () => {
  async function expectRefusedVariables(query: string, variables: Record<string, unknown>) {
    const t = await createTestApp(stores)
    const { status, contentType, text } = await post(t, query, variables)
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    expect(contentType).toContain('application/graphql-response+json')
    const body = JSON.parse(text)
    expect(body.errors?.length).toBeGreaterThan(0)
    expect(body.data).toBeUndefined()
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
    expect(t.inbox.messages).toHaveLength(0)
  }

  it.each([
    ['a null phone variable', requestTyped, { phone: null }],
    ['a missing phone variable', requestTyped, {}],
    ['a null code variable', verifyTyped, { phone: '+919812345678', otp: null }],
  ])('refuses %s with a 4xx GraphQL error and sends nothing', async (_label, query, variables) => {
    await expectRefusedVariables(query, variables)
  })

  const wrongTypes: Array<[string, string, Record<string, unknown>]> = [
    ['a number as the phone variable', requestTyped, { phone: 919812345678 }],
    ['an object as the code variable', verifyTyped, { phone: '+919812345678', otp: { $gt: '' } }],
    ['a list as the phone variable', requestTyped, { phone: ['+919812345678', '+919812345679'] }],
  ]

  it.each(wrongTypes)('refuses %s without running a resolver', async (_label, query, variables) => {
    const t = await createTestApp(stores)
    const { status, text } = await post(t, query, variables)
    expect(status).toBeLessThan(500)
    const body = JSON.parse(text)
    expect(body.errors?.length).toBeGreaterThan(0)
    expect(body.data).toBeUndefined()
    expect(t.inbox.messages).toHaveLength(0)
  })

  it.each(wrongTypes)('answers %s with a 4xx to graphql-response+json clients', async (_label, query, variables) => {
    await expectRefusedVariables(query, variables)
  })

  it.each([
    ['a literal null phone', 'mutation { requestOtp(phone: null) { __typename } }'],
    ['a missing phone argument', 'mutation { requestOtp { __typename } }'],
    ['a literal null code', 'mutation { verifyOtp(phone: "+919812345678", otp: null) { __typename } }'],
    ['a number as the phone', 'mutation { requestOtp(phone: 919812345678) { __typename } }'],
  ])('refuses %s with a 400 GRAPHQL_VALIDATION_FAILED', async (_label, query) => {
    const t = await createTestApp(stores)
    const { status, contentType, text } = await post(t, query)
    expect(status).toBe(400)
    expect(contentType).toContain('application/graphql-response+json')
    expect(JSON.parse(text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(t.inbox.messages).toHaveLength(0)
  })
})
