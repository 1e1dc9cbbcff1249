import { describe, expect, it } from 'vitest'
import { graphqlLimits } from '../../src/http/graphql-limits.ts'
import { createTestApp, useTestStores } from '../helpers.ts'

const stores = useTestStores()
const strict = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }

async function post(t: Awaited<ReturnType<typeof createTestApp>>, query: string, headers: Record<string, string> = strict) {
  const response = await t.app.fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query }) })
  return { status: response.status, body: await response.json() }
}

describe('document limits', () => {
  it(`refuses more than ${graphqlLimits.maxAliases} aliases with a 400 before any resolver runs`, async () => {
    const t = await createTestApp(stores)
    const fields = Array.from({ length: graphqlLimits.maxAliases + 1 }, (_, i) => `a${i}: requestOtp(phone: "+919812345678") { __typename }`)
    const { status, body } = await post(t, `mutation { ${fields.join(' ')} }`)
    expect(status).toBe(400)
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('refuses a document nested deeper than the depth limit with a 400', async () => {
    const t = await createTestApp(stores)
    // The schema itself nests at most three levels; type introspection nests freely.
    const deep = Array.from({ length: graphqlLimits.maxDepth }).reduce<string>((inner) => `ofType { ${inner} }`, 'name')
    const { status, body } = await post(t, `{ __type(name: "User") { fields { type { ${deep} } } } }`)
    expect(status).toBe(400)
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('refuses a document of more tokens than the token limit with a 400', async () => {
    const t = await createTestApp(stores)
    const { status, body } = await post(t, `{ ${'__typename '.repeat(graphqlLimits.maxTokens + 1)} }`)
    expect(status).toBe(400)
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
  })

  it('answers the same refusal as 200 with errors to application/json clients', async () => {
    const t = await createTestApp(stores)
    const fields = Array.from({ length: graphqlLimits.maxAliases + 1 }, (_, i) => `a${i}: me { id }`)
    const { status, body } = await post(t, `{ ${fields.join(' ')} }`, { 'content-type': 'application/json', accept: 'application/json' })
    expect(status).toBe(200)
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('still serves the introspection query GraphiQL sends', async () => {
    const t = await createTestApp(stores)
    const { getIntrospectionQuery } = await import('graphql')
    const { status, body } = await post(t, getIntrospectionQuery())
    expect(status).toBe(200)
    expect(body.data.__schema.queryType.name).toBe('Query')
  })

  it(`reports at most ${graphqlLimits.maxValidationErrors} validation errors, however many the document has`, async () => {
    const t = await createTestApp(stores)
    const fields = Array.from({ length: 40 }, (_, i) => `unknown${i}`).join(' ')
    const response = await t.app.fetch('/graphql', { method: 'POST', headers: strict, body: JSON.stringify({ query: `{ me { ${fields} } }` }) })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.errors.length).toBeGreaterThan(1)
    expect(body.errors.length).toBeLessThanOrEqual(graphqlLimits.maxValidationErrors + 1)
    expect(body.errors.every((e: any) => e.extensions.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true)
  })

  it('refuses batched operations', async () => {
    const t = await createTestApp(stores)
    const response = await t.app.fetch('/graphql', {
      method: 'POST',
      headers: strict,
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
  })
})
