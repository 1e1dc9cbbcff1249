import { describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'

/**
 * deleteAccount: the account goes at once and completely — sessions and access tokens,
 * pending codes, every number in every table — and only from a recently authenticated
 * session. If Redis cannot end the sessions, nothing is deleted.
 */

const stores = useTestStores()

const deleteMutation = `mutation { deleteAccount { __typename ... on AccountDeleted { userId deletedAt } ... on Error { code message } } }`
const refreshMutation = `mutation($t: String!) { refreshSession(refreshToken: $t) { __typename ... on AuthSession { accessToken } } }`
const reauthenticateMutation = `mutation($otp: String!) { reauthenticate(otp: $otp) { __typename } }`

const bearer = (accessToken: string) => ({ headers: { authorization: `Bearer ${accessToken}` } })

async function deleteAccount(t: TestApp, accessToken: string) {
  return t.gql(deleteMutation, {}, bearer(accessToken))
}

async function me(t: TestApp, accessToken: string) {
  return (await t.gql('{ me { id } }', {}, bearer(accessToken))).data?.me
}

async function app(env: Record<string, string> = {}) {
  return createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', ...env } })
}

describe('deleteAccount', () => {
  it('deletes the account at once: AccountDeleted, no user row, no session row', async () => {
    const t = await app()
    const session = await t.signIn()
    const answer = await deleteAccount(t, session.accessToken)
    expect(answer.data?.deleteAccount).toMatchObject({ __typename: 'AccountDeleted', userId: session.user.id })
    expect(await t.deps.prisma.user.count({ where: { id: session.user.id } })).toBe(0)
    expect(await t.deps.prisma.session.count({ where: { userId: session.user.id } })).toBe(0)
  })

  it("ends every session: each device's access token and refresh token stop working", async () => {
    const t = await app()
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    expect((await deleteAccount(t, first.accessToken)).data?.deleteAccount.__typename).toBe('AccountDeleted')
    for (const session of [first, second]) {
      expect(await me(t, session.accessToken)).toBeNull()
      expect((await t.gql(refreshMutation, { t: session.refreshToken })).data?.refreshSession.__typename).toBe('InvalidRefreshTokenError')
    }
  })

  it('kills the pending code of the number', async () => {
    const t = await app()
    const session = await t.signIn()
    await t.requestOtp(session.user.phone)
    const code = t.inbox.lastCodeFor(session.user.phone)
    await deleteAccount(t, session.accessToken)
    expect(await t.verifyOtp(session.user.phone, code)).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
  })

  it('frees the number: a later sign-in creates a new user', async () => {
    const t = await app()
    const session = await t.signIn()
    await deleteAccount(t, session.accessToken)
    const again = await t.signIn(session.user.phone)
    expect(again).toMatchObject({ __typename: 'AuthSession', isNewUser: true })
    expect(again.user.id).not.toBe(session.user.id)
  })

  it('erases the number from the audit trail, queued events included, and keeps the events by user id', async () => {
    const t = await app()
    const session = await t.signIn()
    const phone = session.user.phone
    await t.events.flush()
    // Still queued in memory when the deletion runs.
    await t.requestOtp(phone)
    await deleteAccount(t, session.accessToken)
    await t.events.flush()
    expect(await t.deps.prisma.authEvent.count({ where: { phone } })).toBe(0)
    const kept = await t.deps.prisma.authEvent.findMany({ where: { userId: session.user.id }, select: { type: true, phone: true } })
    expect(kept.map((e) => e.type)).toEqual(expect.arrayContaining(['signed_in', 'account_deleted']))
    expect(kept.every((e) => e.phone === null)).toBe(true)
  })

  it('needs a recent authentication: outside REAUTH_WINDOW_SECONDS it changes nothing', async () => {
    const t = await app({ REAUTH_WINDOW_SECONDS: '60' })
    const session = await t.signIn()
    t.clock.advanceSeconds(61)
    const answer = await deleteAccount(t, session.accessToken)
    expect(answer.data?.deleteAccount).toMatchObject({ __typename: 'ReauthenticationRequiredError', code: 'REAUTHENTICATION_REQUIRED' })
    expect(await me(t, session.accessToken)).toEqual({ id: session.user.id })

    await t.requestOtp(session.user.phone)
    await t.gql(reauthenticateMutation, { otp: t.inbox.lastCodeFor(session.user.phone) }, bearer(session.accessToken))
    expect((await deleteAccount(t, session.accessToken)).data?.deleteAccount.__typename).toBe('AccountDeleted')
  })

  it('is not made recent by a refresh', async () => {
    const t = await app({ REAUTH_WINDOW_SECONDS: '60' })
    const session = await t.signIn()
    t.clock.advanceSeconds(61)
    const refreshed = (await t.gql(refreshMutation, { t: session.refreshToken })).data?.refreshSession
    expect((await deleteAccount(t, refreshed.accessToken)).data?.deleteAccount.__typename).toBe('ReauthenticationRequiredError')
  })

  it('deletes nothing and answers SERVICE_UNAVAILABLE when the sessions cannot be ended in Redis', async () => {
    const t = await app()
    const session = await t.signIn()
    const markRevoked = t.deps.revocations.markRevoked
    t.deps.revocations.markRevoked = () => Promise.reject(new ServiceUnavailableError('redis'))
    const answer = await deleteAccount(t, session.accessToken)
    t.deps.revocations.markRevoked = markRevoked
    expect(answer.data?.deleteAccount ?? null).toBeNull()
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE'])
    expect(await t.deps.prisma.user.count({ where: { id: session.user.id } })).toBe(1)
    expect(await me(t, session.accessToken)).toEqual({ id: session.user.id })
    // …and the person can simply retry.
    expect((await deleteAccount(t, session.accessToken)).data?.deleteAccount.__typename).toBe('AccountDeleted')
  })

  it('answers null and UNAUTHENTICATED when asked twice, or without a token', async () => {
    const t = await app()
    const session = await t.signIn()
    await deleteAccount(t, session.accessToken)
    for (const answer of [await deleteAccount(t, session.accessToken), await t.gql(deleteMutation)]) {
      expect(answer.data?.deleteAccount).toBeNull()
      expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED'])
    }
  })

  it('leaves no live session when a refresh on another device races it', async () => {
    const t = await app()
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    const [, refreshed] = await Promise.all([deleteAccount(t, first.accessToken), t.gql(refreshMutation, { t: second.refreshToken })])
    const token = refreshed.data?.refreshSession.accessToken
    if (token) expect(await me(t, token)).toBeNull()
    expect(await t.deps.prisma.session.count({ where: { userId: first.user.id } })).toBe(0)
  })

  it('leaves exactly one account when a sign-in with the same number races it', async () => {
    const t = await app()
    const session = await t.signIn()
    const phone = session.user.phone
    await t.requestOtp(phone)
    const code = t.inbox.lastCodeFor(phone)
    // The deletion kills this code, or the sign-in lands first and its session is ended.
    const [, signedIn] = await Promise.all([deleteAccount(t, session.accessToken), t.verifyOtp(phone, code)])
    if (signedIn.__typename === 'AuthSession' && signedIn.user.id === session.user.id) expect(await me(t, signedIn.accessToken)).toBeNull()
    expect(await t.deps.prisma.user.count({ where: { id: session.user.id } })).toBe(0)
    expect(await t.deps.prisma.user.count({ where: { phone } })).toBeLessThanOrEqual(1)
  })
})
