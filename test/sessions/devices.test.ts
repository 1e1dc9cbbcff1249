import { describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'

const stores = useTestStores()
const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

/** Signs one phone in on several "devices", each with its own user agent. */
async function signInDevices(t: TestApp, userAgents: string[]) {
  const phone = uniquePhone()
  const sessions = []
  for (const userAgent of userAgents) {
    await t.requestOtp(phone)
    const answer = await t.gql(
      'mutation($p: String!, $o: String!) { verifyOtp(phone: $p, otp: $o) { ... on AuthSession { sessionId accessToken refreshToken user { id } } } }',
      { p: phone, o: t.inbox.lastCodeFor(phone) },
      { headers: { 'user-agent': userAgent } },
    )
    sessions.push(answer.data.verifyOtp)
    t.clock.advanceSeconds(1)
  }
  return sessions
}

async function me(t: TestApp, accessToken: string) {
  return (await t.gql('{ me { id } }', {}, auth(accessToken))).data?.me
}

describe('signOut', () => {
  it('revokes the session: its refresh token fails and its access token stops working at once', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    expect((await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken })).data).toEqual({ signOut: true })
    expect(await me(t, session.accessToken)).toBeNull()
  })

  it('answers false for a token that revokes nothing', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken })
    expect((await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken })).data).toEqual({ signOut: false })
    expect((await t.gql('mutation { signOut(refreshToken: "garbage") }')).data).toEqual({ signOut: false })
  })
})

describe('sessions', () => {
  it("lists the user's live sessions newest first, marking the caller's and recording user agents", async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const [phoneA, tablet, laptop] = await signInDevices(t, ['Phone/1', 'Tablet/2', 'Laptop/3'])
    const answer = await t.gql('{ sessions { id userAgent current createdAt lastUsedAt expiresAt } }', {}, auth(tablet.accessToken))
    expect(answer.data.sessions.map((s: any) => [s.id, s.userAgent, s.current])).toEqual([
      [laptop.sessionId, 'Laptop/3', false],
      [tablet.sessionId, 'Tablet/2', true],
      [phoneA.sessionId, 'Phone/1', false],
    ])
  })

  it('leaves revoked sessions out', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const [first, second] = await signInDevices(t, ['A', 'B'])
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: first.refreshToken })
    const answer = await t.gql('{ sessions { id } }', {}, auth(second.accessToken))
    expect(answer.data.sessions).toEqual([{ id: second.sessionId }])
  })
})

describe('revokeSession', () => {
  it("revokes one of the caller's own sessions and answers its id", async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const [lost, kept] = await signInDevices(t, ['Lost/1', 'Kept/1'])
    const answer = await t.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: lost.sessionId }, auth(kept.accessToken))
    expect(answer.data).toEqual({ revokeSession: lost.sessionId })
    expect(await me(t, lost.accessToken)).toBeNull()
    expect(await me(t, kept.accessToken)).toEqual({ id: kept.user.id })
  })

  it("answers null and revokes nothing for another user's session", async () => {
    const t = await createTestApp(stores)
    const victim = await t.signIn()
    const attacker = await t.signIn()
    const answer = await t.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: victim.sessionId }, auth(attacker.accessToken))
    expect(answer.data).toEqual({ revokeSession: null })
    expect(await me(t, victim.accessToken)).toEqual({ id: victim.user.id })
  })

  it('answers null for an id that is not a session id', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const answer = await t.gql('mutation { revokeSession(id: "1; DROP TABLE sessions") }', {}, auth(session.accessToken))
    expect(answer).toEqual({ data: { revokeSession: null } })
  })
})

describe('revokeOtherSessions', () => {
  it("revokes every session but the caller's and answers how many", async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const [a, b, c] = await signInDevices(t, ['A', 'B', 'C'])
    const answer = await t.gql('mutation { revokeOtherSessions }', {}, auth(c.accessToken))
    expect(answer.data).toEqual({ revokeOtherSessions: 2 })
    expect(await me(t, a.accessToken)).toBeNull()
    expect(await me(t, b.accessToken)).toBeNull()
    expect(await me(t, c.accessToken)).toEqual({ id: c.user.id })
  })
})

describe('without a valid access token', () => {
  it.each([
    ['sessions', '{ sessions { id } }'],
    ['revokeSession', 'mutation { revokeSession(id: "3f1c2b6e-1d2a-4c3b-9e8f-0a1b2c3d4e5f") }'],
    ['revokeOtherSessions', 'mutation { revokeOtherSessions }'],
  ])('%s answers null with an UNAUTHENTICATED error', async (field, query) => {
    const t = await createTestApp(stores)
    const answer = await t.gql(query, {}, auth('not.a.token'))
    expect(answer.data).toEqual({ [field]: null })
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('when Redis cannot say whether a session was revoked', () => {
  it('answers SERVICE_UNAVAILABLE instead of null, so apps keep their tokens', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    t.deps.revocations = { ...t.deps.revocations, isRevoked: () => Promise.reject(new ServiceUnavailableError('redis')) }
    const answer = await t.gql('{ me { id } }', {}, auth(session.accessToken))
    expect(answer.data).toEqual({ me: null })
    expect(answer.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE')
  })
})
