import { describe, expect, it } from 'vitest'
import type { HotQuery } from '../../src/db/client.ts'
import { graphqlLimits } from '../../src/http/graphql-limits.ts'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'
import { itReal } from '../support/services.ts'

const stores = useTestStores()

/** The sign-in statement's way in, failing its next calls as if the database went away. */
function failingHotQuery(hotQuery: HotQuery, failures: number): HotQuery {
  let left = failures
  return (statement) => {
    if (left-- > 0) return Promise.reject(new Error('connection terminated unexpectedly'))
    return hotQuery(statement)
  }
}

describe('claiming a code', () => {
  it('answers SERVICE_UNAVAILABLE and lets the same code be retried when the database fails', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    t.deps.hotQuery = failingHotQuery(stores.database.hotQuery, 1)
    const failed = await t.gql('mutation($p: String!, $o: String!) { verifyOtp(phone: $p, otp: $o) { __typename } }', { p: phone, o: code })
    expect(failed.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE')
    expect(failed.errors?.[0]?.message).not.toMatch(/connection|terminated/)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('does not count a database failure as a wrong attempt', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '1' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    t.deps.hotQuery = failingHotQuery(stores.database.hotQuery, 2)
    await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))
    await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession' })
  })

  itReal('gives exactly one session to 20 concurrent verifies of one code', ['redis', 'postgres'], async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.verifyOtp(phone, code)))
    expect(answers.filter((a) => a.__typename === 'AuthSession')).toHaveLength(1)
    expect(answers.filter((a) => a.reason === 'EXPIRED')).toHaveLength(19)
    expect(await stores.database.prisma.session.count({ where: { user: { phone } } })).toBe(1)
  })

  itReal('gives exactly one session when every alias of one request verifies the same code', ['redis', 'postgres'], async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    const fields = Array.from({ length: graphqlLimits.maxAliases }, (_, i) => `a${i}: verifyOtp(phone: $p, otp: $o) { __typename }`).join('\n')
    const answer = await t.gql(`mutation($p: String!, $o: String!) { ${fields} }`, { p: phone, o: code })
    const typenames = Object.values(answer.data ?? {}).map((v: any) => v.__typename)
    expect(typenames.filter((n) => n === 'AuthSession')).toHaveLength(1)
    expect(await stores.database.prisma.session.count({ where: { user: { phone } } })).toBe(1)
  })
})
