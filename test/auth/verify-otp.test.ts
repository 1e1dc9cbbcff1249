import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores, wrongCode, type TestApp } from '../helpers.ts'

const stores = useTestStores()

async function withCode(t: TestApp, phone = uniquePhone()) {
  await t.requestOtp(phone)
  return { phone, code: t.inbox.lastCodeFor(phone) }
}

describe('verifyOtp', () => {
  it('signs a new person in and creates their user', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await withCode(t)
    const session = await t.verifyOtp(phone, code)
    expect(session).toMatchObject({ __typename: 'AuthSession', tokenType: 'Bearer', isNewUser: true, user: { phone } })
    expect(session.user.lastSignInAt).not.toBeNull()
    expect(await stores.database.prisma.user.count({ where: { phone } })).toBe(1)
  })

  it('signs a returning person into the same user with isNewUser false', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } })
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    expect(second).toMatchObject({ isNewUser: false, user: { id: first.user.id } })
    expect(second.sessionId).not.toBe(first.sessionId)
  })

  it('accepts the national form of the number the code was sent to', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await withCode(t)
    expect(await t.verifyOtp(phone.slice(3), code)).toMatchObject({ __typename: 'AuthSession', user: { phone } })
  })

  it('counts wrong codes down and burns the code at OTP_MAX_ATTEMPTS', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_MAX_ATTEMPTS: '3' } })
    const { phone, code } = await withCode(t)
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 2 })
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS', attemptsRemaining: 0 })
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'InvalidOtpError', code: 'INVALID_OTP', reason: 'TOO_MANY_ATTEMPTS' })
  })

  it.each([
    ['empty', ''],
    ['letters', 'abcdef'],
    ['too short', '123'],
    ['too long', '1234567'],
    ['non-ASCII digits', '١٢٣٤٥٦'],
    ['10 kB', '1'.repeat(10_000)],
  ])('answers MALFORMED for a %s code without counting an attempt', async (_label, otp) => {
    const t = await createTestApp(stores)
    const { phone, code } = await withCode(t)
    expect(await t.verifyOtp(phone, otp)).toMatchObject({ reason: 'MALFORMED' })
    expect(await t.verifyOtp(phone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 4 })
  })

  it('tells how many tries are left when the code is malformed', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await withCode(t)
    await t.verifyOtp(phone, wrongCode(code))
    expect(await t.verifyOtp(phone, 'x')).toMatchObject({ reason: 'MALFORMED', attemptsRemaining: 4 })
  })

  it('answers EXPIRED when no code was requested', async () => {
    const t = await createTestApp(stores)
    expect(await t.verifyOtp(uniquePhone(), '123456')).toMatchObject({ reason: 'EXPIRED', attemptsRemaining: 0 })
  })

  it('answers EXPIRED once the code has outlived OTP_TTL_SECONDS', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_TTL_SECONDS: '1' } })
    const { phone, code } = await withCode(t)
    await sleep(1300)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ reason: 'EXPIRED' })
  })

  it('accepts a code only once', async () => {
    const t = await createTestApp(stores)
    const { phone, code } = await withCode(t)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'AuthSession' })
    expect(await t.verifyOtp(phone, code)).toMatchObject({ reason: 'EXPIRED' })
  })

  it('does not accept the code of one number for another', async () => {
    const t = await createTestApp(stores)
    const { code } = await withCode(t)
    const other = await withCode(t)
    const answer = await t.verifyOtp(other.phone, code)
    if (code !== other.code) expect(answer).toMatchObject({ reason: 'INCORRECT' })
  })

  it('refuses an unknown number with SignUpDisabledError after a correct code when sign-up is closed', async () => {
    const t = await createTestApp({ ...stores, env: { ALLOW_SIGN_UP: 'false' } })
    const { phone, code } = await withCode(t)
    expect(await t.verifyOtp(phone, code)).toMatchObject({ __typename: 'SignUpDisabledError', code: 'SIGN_UP_DISABLED' })
    expect(await stores.database.prisma.user.count({ where: { phone } })).toBe(0)
    expect(await stores.database.prisma.session.count({ where: { user: { phone } } })).toBe(0)
  })

  it('still signs existing users in when sign-up is closed', async () => {
    const open = await createTestApp(stores)
    const { user } = await open.signIn()
    const closed = await createTestApp({ ...stores, env: { ALLOW_SIGN_UP: 'false' } })
    expect(await closed.signIn(user.phone)).toMatchObject({ __typename: 'AuthSession', isNewUser: false, user: { id: user.id } })
  })

  it('answers a wrong-typed code with a typed error, never a server error', async () => {
    const t = await createTestApp(stores)
    const answer = await t.gql('mutation { verifyOtp(phone: "+919812345678", otp: 123456) { __typename } }')
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })
})
