import { describe, expect, it } from 'vitest'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'

const stores = useTestStores()

const refreshMutation = `mutation($t: String!) { refreshSession(refreshToken: $t) {
  __typename
  ... on AuthSession { sessionId accessToken refreshToken refreshTokenExpiresAt expiresInSeconds isNewUser user { id phone } }
  ... on Error { code message }
} }`

async function refresh(t: TestApp, refreshToken: string) {
  return (await t.gql(refreshMutation, { t: refreshToken })).data?.refreshSession
}

async function me(t: TestApp, accessToken: string) {
  return (await t.gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${accessToken}` } })).data?.me
}

describe('refreshSession', () => {
  it('answers a new access and refresh token in the same session', async () => {
    const t = await createTestApp(stores)
    const signedIn = await t.signIn()
    t.clock.advanceSeconds(5)
    const next = await refresh(t, signedIn.refreshToken)
    expect(next).toMatchObject({ __typename: 'AuthSession', sessionId: signedIn.sessionId, isNewUser: false, user: { id: signedIn.user.id } })
    expect(next.refreshToken).not.toBe(signedIn.refreshToken)
    expect(next.accessToken).not.toBe(signedIn.accessToken)
    expect(await me(t, next.accessToken)).toEqual({ id: signedIn.user.id })
  })

  it('refuses the presented token a second time without harming the session within the grace window', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_REUSE_GRACE_SECONDS: '30' } })
    const signedIn = await t.signIn()
    const next = await refresh(t, signedIn.refreshToken)
    t.clock.advanceSeconds(10)
    expect(await refresh(t, signedIn.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError', code: 'INVALID_REFRESH_TOKEN' })
    expect(await refresh(t, next.refreshToken)).toMatchObject({ __typename: 'AuthSession' })
  })

  it('revokes the whole session when the previous token comes back after the grace window', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_REUSE_GRACE_SECONDS: '30' } })
    const signedIn = await t.signIn()
    const next = await refresh(t, signedIn.refreshToken)
    t.clock.advanceSeconds(31)
    expect(await refresh(t, signedIn.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
    expect(await refresh(t, next.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
    expect(await me(t, next.accessToken)).toBeNull()
    const row = await stores.database.prisma.session.findUniqueOrThrow({ where: { id: signedIn.sessionId } })
    expect(row.revokedAt).not.toBeNull()
  })

  it('lets exactly one of several concurrent refreshes with one token win, and revokes nothing', async () => {
    const t = await createTestApp(stores)
    const signedIn = await t.signIn()
    const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(t, signedIn.refreshToken)))
    const winners = answers.filter((a) => a.__typename === 'AuthSession')
    expect(winners).toHaveLength(1)
    expect(answers.filter((a) => a.__typename === 'InvalidRefreshTokenError')).toHaveLength(7)
    expect(await refresh(t, winners[0].refreshToken)).toMatchObject({ __typename: 'AuthSession' })
  })

  it.each([
    ['unknown', '3f1c2b6e-1d2a-4c3b-9e8f-0a1b2c3d4e5f.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['malformed', 'not-a-token'],
    ['empty', ''],
    ['10 kB', 'x'.repeat(10_000)],
  ])('refuses an %s token with InvalidRefreshTokenError', async (_label, token) => {
    const t = await createTestApp(stores)
    expect(await refresh(t, token)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
  })

  it('refuses a token whose session has expired', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_TOKEN_TTL_SECONDS: '60' } })
    const signedIn = await t.signIn()
    t.clock.advanceSeconds(61)
    expect(await refresh(t, signedIn.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
  })

  it('refuses a token of a signed-out session', async () => {
    const t = await createTestApp(stores)
    const signedIn = await t.signIn()
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: signedIn.refreshToken })
    expect(await refresh(t, signedIn.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
  })

  it('slides the expiry on use but never past SESSION_MAX_AGE_SECONDS', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_TOKEN_TTL_SECONDS: '100', SESSION_MAX_AGE_SECONDS: '150' } })
    const signedIn = await t.signIn()
    const startMs = t.clock.now().getTime()
    t.clock.advanceSeconds(90)
    const second = await refresh(t, signedIn.refreshToken)
    expect(Date.parse(second.refreshTokenExpiresAt)).toBe(startMs + 150_000)
    t.clock.advanceSeconds(59)
    const third = await refresh(t, second.refreshToken)
    expect(Date.parse(third.refreshTokenExpiresAt)).toBe(startMs + 150_000)
    t.clock.advanceSeconds(2)
    expect(await refresh(t, third.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
  })
})
