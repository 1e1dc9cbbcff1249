import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'

/**
 * reauthenticate: the holder of a session proves again that they hold the account's
 * phone, with a code requestOtp sent to that number. Single use, the same limits as a
 * sign-in, no new session, and a code for any other number never counts.
 */

const stores = useTestStores()

const reauthenticateMutation = `mutation($otp: String!) { reauthenticate(otp: $otp) {
  __typename
  ... on Reauthenticated { reauthenticatedUntil expiresInSeconds }
  ... on InvalidOtpError { reason attemptsRemaining }
  ... on Error { code message }
} }`

const refreshMutation = `mutation($t: String!) { refreshSession(refreshToken: $t) { __typename ... on AuthSession { accessToken refreshToken } } }`

async function reauthenticate(t: TestApp, accessToken: string, otp: string) {
  return t.gql(reauthenticateMutation, { otp }, { headers: { authorization: `Bearer ${accessToken}` } })
}

/** A signed-in account, and a fresh code for its own number. */
async function signedInWithCode(t: TestApp) {
  const session = await t.signIn()
  const phone = session.user.phone as string
  await t.requestOtp(phone)
  return { session, phone, code: t.inbox.lastCodeFor(phone) }
}

async function authenticatedAt(t: TestApp, sessionId: string): Promise<Date | null> {
  const row = await t.deps.prisma.session.findUnique({ where: { id: sessionId }, select: { authenticatedAt: true } })
  return row?.authenticatedAt ?? null
}

describe('reauthenticate', () => {
  it("marks the session freshly authenticated with a code sent to the account's number", async () => {
    const t = await createTestApp({ ...stores, env: { REAUTH_WINDOW_SECONDS: '120', OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, code } = await signedInWithCode(t)
    t.clock.advanceSeconds(600)
    const answer = await reauthenticate(t, session.accessToken, code)
    expect(answer.data?.reauthenticate).toMatchObject({ __typename: 'Reauthenticated', expiresInSeconds: 120 })
    expect(new Date(answer.data!.reauthenticate.reauthenticatedUntil).getTime()).toBe(t.clock.now().getTime() + 120_000)
    expect((await authenticatedAt(t, session.sessionId))?.getTime()).toBe(t.clock.now().getTime())
  })

  it('consumes the code: it works once, for neither a second reauthenticate nor a sign-in', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, phone, code } = await signedInWithCode(t)
    expect((await reauthenticate(t, session.accessToken, code)).data?.reauthenticate.__typename).toBe('Reauthenticated')
    expect((await reauthenticate(t, session.accessToken, code)).data?.reauthenticate).toMatchObject({ reason: 'EXPIRED' })
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
  })

  it('creates no session', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, code } = await signedInWithCode(t)
    await reauthenticate(t, session.accessToken, code)
    expect(await t.deps.prisma.session.count({ where: { userId: session.user.id } })).toBe(1)
  })

  it('never accepts a code sent to another number', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const session = await t.signIn()
    const other = uniquePhone()
    await t.requestOtp(other)
    const answer = await reauthenticate(t, session.accessToken, t.inbox.lastCodeFor(other))
    expect(answer.data?.reauthenticate).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
    // …and that code still signs its own number in.
    expect((await t.verifyOtp(other, t.inbox.lastCodeFor(other))).__typename).toBe('AuthSession')
  })

  it('counts wrong codes against the per-code attempts, as a sign-in does', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, code } = await signedInWithCode(t)
    expect((await reauthenticate(t, session.accessToken, wrongCode(code))).data?.reauthenticate).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect((await reauthenticate(t, session.accessToken, wrongCode(code))).data?.reauthenticate).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    // Burnt: the right code no longer works either.
    expect((await reauthenticate(t, session.accessToken, code)).data?.reauthenticate).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('shares the per-IP failure budget with sign-ins', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_FAILURES_PER_IP: '1', OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, code } = await signedInWithCode(t)
    await reauthenticate(t, session.accessToken, wrongCode(code))
    expect((await reauthenticate(t, session.accessToken, code)).data?.reauthenticate.__typename).toBe('RateLimitedError')
  })

  it.each([['letters', 'abcdef'], ['10 kB', '1'.repeat(10_000)]])('answers a code of %s as MALFORMED without counting', async (_label, otp) => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, code } = await signedInWithCode(t)
    expect((await reauthenticate(t, session.accessToken, otp)).data?.reauthenticate).toMatchObject({ reason: 'MALFORMED' })
    expect((await reauthenticate(t, session.accessToken, code)).data?.reauthenticate.__typename).toBe('Reauthenticated')
  })

  it('answers null and UNAUTHENTICATED without a valid access token, and consumes nothing', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { phone, code } = await signedInWithCode(t)
    const answer = await t.gql(reauthenticateMutation, { otp: code })
    expect(answer.data?.reauthenticate).toBeNull()
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED'])
    expect((await t.verifyOtp(phone, code)).__typename).toBe('AuthSession')
  })

  it('leaves the code usable when the session ended after its token was checked', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const { session, phone, code } = await signedInWithCode(t)
    // Ended in the database only: the token still passes its check, the marking fails.
    await t.deps.prisma.session.update({ where: { id: session.sessionId }, data: { revokedAt: t.clock.now() } })
    const answer = await reauthenticate(t, session.accessToken, code)
    expect(answer.data?.reauthenticate).toBeNull()
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED'])
    expect((await t.verifyOtp(phone, code)).__typename).toBe('AuthSession')
  })

  it('is not renewed by a refresh: only a sign-in or reauthenticate sets it', async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    const signedInAt = await authenticatedAt(t, session.sessionId)
    expect(signedInAt?.getTime()).toBe(t.clock.now().getTime())
    t.clock.advanceSeconds(60)
    const refreshed = (await t.gql(refreshMutation, { t: session.refreshToken })).data?.refreshSession
    expect(refreshed.__typename).toBe('AuthSession')
    expect(await authenticatedAt(t, session.sessionId)).toEqual(signedInAt)
  })
})
