import { describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/common/errors.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'
import { bearer, changePhone, me } from '../support/phone-change.ts'

/**
 * Recycled numbers (DORMANT_ACCOUNT_DAYS): a sign-in code for a number whose account has
 * been silent that long opens a NEW account; the old one keeps its id and data but
 * loses the number, and every one of its sessions ends.
 */

const stores = useTestStores()
const day = 86_400
// Long-lived access tokens, so a test can see that a released account's tokens end.
const longTokens = { ACCESS_TOKEN_TTL_SECONDS: String(60 * day), REFRESH_TOKEN_TTL_SECONDS: String(60 * day) }

async function app(env: Record<string, string> = {}) {
  return createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', DORMANT_ACCOUNT_DAYS: '30', ...longTokens, ...env } })
}

const refreshMutation = `mutation($t: String!) { refreshSession(refreshToken: $t) { __typename ... on AuthSession { accessToken refreshToken } } }`

async function refresh(t: TestApp, refreshToken: string) {
  return (await t.gql(refreshMutation, { t: refreshToken })).data?.refreshSession
}

describe('dormant accounts', () => {
  it('are never released by default: an account silent for a year still opens', async () => {
    const t = await app({ DORMANT_ACCOUNT_DAYS: '0' })
    const first = await t.signIn()
    t.clock.advanceSeconds(365 * day)
    expect(await t.signIn(first.user.phone)).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
  })

  it('still open before DORMANT_ACCOUNT_DAYS have passed', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(29 * day)
    expect(await t.signIn(first.user.phone)).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
  })

  it('give their number to a new account after DORMANT_ACCOUNT_DAYS without activity', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    const next = await t.signIn(first.user.phone)
    expect(next).toMatchObject({ __typename: 'AuthSession', isNewUser: true, user: { phone: first.user.phone } })
    expect(next.user.id).not.toBe(first.user.id)
    expect(await t.deps.prisma.user.findUnique({ where: { id: first.user.id }, select: { phone: true } })).toEqual({ phone: null })
  })

  it("end the released account's sessions, access and refresh tokens alike", async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    expect(await me(t, first.accessToken)).toMatchObject({ id: first.user.id })
    await t.signIn(first.user.phone)
    expect(await me(t, first.accessToken)).toBeNull()
    expect(await refresh(t, first.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' })
  })

  it('are audited when released', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    await t.signIn(first.user.phone)
    const rows = await t.deps.prisma.authEvent.findMany({ where: { userId: first.user.id, type: 'phone_released' }, select: { phone: true, detail: true } })
    expect(rows).toEqual([{ phone: first.user.phone, detail: 'dormant' }])
  })

  it('are never made of accounts that refresh: a refresh counts as activity', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(20 * day)
    expect(await refresh(t, first.refreshToken)).toMatchObject({ __typename: 'AuthSession' })
    t.clock.advanceSeconds(20 * day)
    expect(await t.signIn(first.user.phone)).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
  })

  it('are never made of accounts that reauthenticate', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(20 * day)
    await t.requestOtp(first.user.phone)
    const otp = t.inbox.lastCodeFor(first.user.phone)
    await t.gql('mutation($otp: String!) { reauthenticate(otp: $otp) { __typename } }', { otp }, bearer(first.accessToken))
    t.clock.advanceSeconds(20 * day)
    expect(await t.signIn(first.user.phone)).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
  })

  it('never include test numbers', async () => {
    const t = await app({ TEST_PHONE_NUMBERS: '+15555550100:123456' })
    await t.requestOtp('+15555550100')
    const first = await t.verifyOtp('+15555550100', '123456')
    t.clock.advanceSeconds(31 * day)
    expect(await t.requestOtp('+15555550100')).toMatchObject({ __typename: 'OtpSent' })
    expect(await t.verifyOtp('+15555550100', '123456')).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
  })

  it('keep their number when sign-up is closed: SignUpDisabledError', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    const closed = await app({ ALLOW_SIGN_UP: 'false' })
    closed.clock.advanceSeconds(31 * day)
    await closed.requestOtp(first.user.phone)
    expect(await closed.verifyOtp(first.user.phone, closed.inbox.lastCodeFor(first.user.phone))).toMatchObject({ __typename: 'SignUpDisabledError' })
    expect(await t.deps.prisma.user.findUnique({ where: { id: first.user.id }, select: { phone: true } })).toEqual({ phone: first.user.phone })
    expect(await me(t, first.accessToken)).toMatchObject({ id: first.user.id })
  })

  it('keep their number when Redis cannot end their sessions: SERVICE_UNAVAILABLE, and the code works on retry', async () => {
    const t = await app()
    const first = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    await t.requestOtp(first.user.phone)
    const code = t.inbox.lastCodeFor(first.user.phone)
    const markRevoked = t.deps.revocations.markRevoked
    t.deps.revocations.markRevoked = () => Promise.reject(new ServiceUnavailableError('redis'))
    const failed = await t.gql('mutation($p: String!, $o: String!) { verifyOtp(phone: $p, otp: $o) { __typename } }', { p: first.user.phone, o: code })
    t.deps.revocations.markRevoked = markRevoked
    expect(failed.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE'])
    expect(await t.deps.prisma.user.findUnique({ where: { id: first.user.id }, select: { phone: true } })).toEqual({ phone: first.user.phone })
    expect(await t.verifyOtp(first.user.phone, code)).toMatchObject({ isNewUser: true })
  })

  it('give their number to an account that confirms a change to it', async () => {
    const t = await app()
    const dormant = await t.signIn()
    t.clock.advanceSeconds(31 * day)
    const mover = await t.signIn(uniquePhone())
    expect(await changePhone(t, mover.accessToken, dormant.user.phone)).toMatchObject({ __typename: 'PhoneChanged', user: { id: mover.user.id } })
    expect(await t.deps.prisma.user.findUnique({ where: { id: dormant.user.id }, select: { phone: true } })).toEqual({ phone: null })
    expect(await me(t, dormant.accessToken)).toBeNull()
  })
})
