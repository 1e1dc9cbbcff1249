import { describe, expect, it } from 'vitest'
import { purgeOldEvents } from '../../src/db/events.ts'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'

const stores = useTestStores()

async function eventsOf(t: TestApp, where: { userId?: string; sessionId?: string; phone?: string }) {
  await t.events.flush()
  return stores.database.prisma.authEvent.findMany({ where, orderBy: { id: 'asc' } })
}

describe('the audit trail', () => {
  it('records "signed in" in the sign-in statement itself, before any batch is written', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const rows = await stores.database.prisma.authEvent.findMany({ where: { sessionId: session.sessionId, type: 'signed_in' } })
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ userId: session.user.id, phone: session.user.phone, ip: '127.0.0.1' })
  })

  it('records refresh, sign-out and revocation with the session they concern', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    const refreshed = await t.gql('mutation($t: String!) { refreshSession(refreshToken: $t) { ... on AuthSession { refreshToken } } }', { t: first.refreshToken })
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: refreshed.data.refreshSession.refreshToken })
    await t.gql('mutation { revokeOtherSessions }', {}, { headers: { authorization: `Bearer ${second.accessToken}` } })
    const types = (await eventsOf(t, { userId: first.user.id })).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['signed_in', 'refreshed']))
    expect((await eventsOf(t, { sessionId: first.sessionId })).map((e) => e.type)).toEqual(['signed_in', 'refreshed', 'signed_out'])
  })

  it('records a detected refresh-token reuse', async () => {
    const t = await createTestApp({ ...stores, env: { REFRESH_REUSE_GRACE_SECONDS: '1' } })
    const session = await t.signIn()
    const refresh = 'mutation($t: String!) { refreshSession(refreshToken: $t) { __typename } }'
    await t.gql(refresh, { t: session.refreshToken })
    t.clock.advanceSeconds(2)
    await t.gql(refresh, { t: session.refreshToken })
    expect((await eventsOf(t, { sessionId: session.sessionId })).map((e) => e.type)).toContain('refresh_reuse_detected')
  })

  it('never stores a code or a token', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const code = t.inbox.lastCodeFor(session.user.phone)
    const rows = JSON.stringify(await eventsOf(t, { phone: session.user.phone }), (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    for (const secret of [code, session.accessToken, session.refreshToken, session.refreshToken.split('.')[1]]) {
      expect(rows).not.toContain(secret)
    }
  })

  it('purges events older than the retention', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const future = new Date(Date.now() + 60_000)
    expect(await purgeOldEvents(stores.database.prisma, future, 2)).toBeGreaterThan(0)
    expect(await stores.database.prisma.authEvent.count({ where: { sessionId: session.sessionId } })).toBe(0)
  })
})
