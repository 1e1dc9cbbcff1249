import { beforeEach, describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'
import { bearer, changePhone } from '../support/phone-change.ts'
import { recordingDatabase } from '../support/recording-prisma.ts'
import { newWebhookSecret } from '../support/webhook-receiver.ts'

/**
 * The transactional outbox: each lifecycle event is written by the same statement or
 * transaction as the change it reports — never without it, never for a change that
 * rolled back — and only when WEBHOOK_URL is set.
 */

const stores = useTestStores()
const webhookEnv = { WEBHOOK_URL: 'http://127.0.0.1:9/hooks', WEBHOOK_SECRET: newWebhookSecret() }

async function app(env: Record<string, string> = {}) {
  return createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', ...webhookEnv, ...env } })
}

async function eventsOf(t: TestApp, userId: string) {
  const rows = await t.deps.prisma.webhookEvent.findMany({ where: { userId }, orderBy: { seq: 'asc' }, select: { type: true, body: true } })
  return rows.map((row) => ({ type: row.type, body: row.body as { type: string; timestamp: string; data: Record<string, string> } }))
}

beforeEach(async () => {
  await stores.database.prisma.webhookEvent.deleteMany()
})

describe('the outbox', () => {
  it('gets user.created with the id and number when a sign-in creates a user', async () => {
    const t = await app()
    const session = await t.signIn()
    expect(await eventsOf(t, session.user.id)).toEqual([
      { type: 'user.created', body: { type: 'user.created', timestamp: t.clock.now().toISOString(), data: { userId: session.user.id, phone: session.user.phone } } },
    ])
  })

  it('gets nothing when an existing user signs in again', async () => {
    const t = await app()
    const session = await t.signIn()
    await t.signIn(session.user.phone)
    expect((await eventsOf(t, session.user.id)).map((e) => e.type)).toEqual(['user.created'])
  })

  it('keeps a sign-up at one round trip to PostgreSQL', async () => {
    const calls: string[] = []
    const t = await createTestApp({ ...stores, database: recordingDatabase(stores.database, calls), env: webhookEnv })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    calls.length = 0
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ isNewUser: true })
    expect(calls).toHaveLength(1)
    expect(await t.deps.prisma.webhookEvent.count({ where: { type: 'user.created' } })).toBe(1)
  })

  it('gets nothing at all without WEBHOOK_URL', async () => {
    const t = await app({ WEBHOOK_URL: '', WEBHOOK_SECRET: '' })
    const session = await t.signIn()
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(session.accessToken))
    expect(await t.deps.prisma.webhookEvent.count()).toBe(0)
  })

  it('gets user.phone_changed with the new number', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await changePhone(t, session.accessToken, newPhone)
    const [, changed] = await eventsOf(t, session.user.id)
    expect(changed).toMatchObject({ type: 'user.phone_changed', body: { data: { userId: session.user.id, phone: newPhone } } })
  })

  it('gets user.deleted last, and the deleted user loses every number from its events', async () => {
    const t = await app()
    const session = await t.signIn()
    await changePhone(t, session.accessToken, uniquePhone())
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(session.accessToken))
    const events = await eventsOf(t, session.user.id)
    expect(events.map((e) => e.type)).toEqual(['user.created', 'user.phone_changed', 'user.deleted'])
    for (const event of events) expect(event.body.data).toEqual({ userId: session.user.id })
  })

  it('gets no user.deleted when the deletion rolls back', async () => {
    const t = await app()
    const session = await t.signIn()
    t.deps.revocations.markRevoked = () => Promise.reject(new ServiceUnavailableError('redis'))
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(session.accessToken))
    const events = await eventsOf(t, session.user.id)
    expect(events.map((e) => e.type)).toEqual(['user.created'])
    expect(events[0]!.body.data.phone).toBe(session.user.phone)
  })

  it('gets user.phone_released for a dormant account and user.created for the new one', async () => {
    const t = await app({ DORMANT_ACCOUNT_DAYS: '30' })
    const dormant = await t.signIn()
    t.clock.advanceSeconds(31 * 86_400)
    const next = await t.signIn(dormant.user.phone)
    expect((await eventsOf(t, dormant.user.id)).map((e) => e.type)).toEqual(['user.created', 'user.phone_released'])
    expect(await eventsOf(t, next.user.id)).toMatchObject([{ type: 'user.created', body: { data: { phone: dormant.user.phone } } }])
  })

  it('gets session.reuse_detected when a stolen refresh token is used after rotation', async () => {
    const t = await app({ REFRESH_REUSE_GRACE_SECONDS: '0' })
    const session = await t.signIn()
    const refresh = 'mutation($t: String!) { refreshSession(refreshToken: $t) { __typename } }'
    await t.gql(refresh, { t: session.refreshToken })
    t.clock.advanceSeconds(1)
    await t.gql(refresh, { t: session.refreshToken })
    const [, reuse] = await eventsOf(t, session.user.id)
    expect(reuse).toMatchObject({ type: 'session.reuse_detected', body: { data: { userId: session.user.id, sessionId: session.sessionId } } })
  })
})
