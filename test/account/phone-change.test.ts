import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'
import { bearer, changePhone, confirmPhoneChange, me, requestPhoneChange, wrongCode } from '../support/phone-change.ts'

/**
 * requestPhoneChange + confirmPhoneChange: the account moves to a number only with a
 * code that number received for THIS user from THIS session; afterwards the old number
 * opens nothing of the account and the new one opens it.
 */

const stores = useTestStores()

async function app(env: Record<string, string> = {}) {
  return createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', ...env } })
}

describe('phone change', () => {
  it('sends a code to the new number and moves the account there, keeping its id', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    const changed = await changePhone(t, session.accessToken, newPhone)
    expect(changed).toEqual({ __typename: 'PhoneChanged', user: { id: session.user.id, phone: newPhone } })
    expect(t.inbox.countFor(newPhone)).toBe(1)
    expect(await me(t, session.accessToken)).toEqual({ id: session.user.id, phone: newPhone })
  })

  it('signs the new number in to the same account, and the old number to a new one', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await changePhone(t, session.accessToken, newPhone)
    expect(await t.signIn(newPhone)).toMatchObject({ isNewUser: false, user: { id: session.user.id } })
    const old = await t.signIn(session.user.phone)
    expect(old).toMatchObject({ isNewUser: true })
    expect(old.user.id).not.toBe(session.user.id)
  })

  it('records the old and the new number in the audit trail', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await changePhone(t, session.accessToken, newPhone)
    const rows = await t.deps.prisma.authEvent.findMany({ where: { userId: session.user.id, type: 'phone_changed' }, select: { phone: true, detail: true } })
    expect(rows).toEqual(expect.arrayContaining([{ phone: session.user.phone, detail: 'old' }, { phone: newPhone, detail: 'new' }]))
    expect(rows).toHaveLength(2)
  })

  it('keeps the sessions of the account: another device stays signed in', async () => {
    const t = await app()
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    const newPhone = uniquePhone()
    await changePhone(t, first.accessToken, newPhone)
    expect(await me(t, second.accessToken)).toEqual({ id: first.user.id, phone: newPhone })
  })

  it('never accepts a sign-in code for the new number as a change code', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    await t.requestOtp(newPhone)
    const signInCode = t.inbox.lastCodeFor(newPhone)
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, signInCode)).toMatchObject({ __typename: 'InvalidOtpError', reason: 'INCORRECT' })
  })

  it('answers EXPIRED for a sign-in code when no change is pending', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await t.requestOtp(newPhone)
    const answer = await confirmPhoneChange(t, session.accessToken, newPhone, t.inbox.lastCodeFor(newPhone))
    expect(answer).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
  })

  it('never signs anyone in with a change code', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    expect(await t.verifyOtp(newPhone, t.inbox.lastCodeFor(newPhone))).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
  })

  it("never confirms from another session of the same account with the first session's code", async () => {
    const t = await app()
    const first = await t.signIn()
    const second = await t.signIn(first.user.phone)
    const newPhone = uniquePhone()
    await requestPhoneChange(t, first.accessToken, newPhone)
    const answer = await confirmPhoneChange(t, second.accessToken, newPhone, t.inbox.lastCodeFor(newPhone))
    expect(answer).toMatchObject({ __typename: 'InvalidOtpError' })
    expect(await me(t, first.accessToken)).toEqual({ id: first.user.id, phone: first.user.phone })
  })

  it("never confirms another user's pending change to the same number", async () => {
    const t = await app()
    const alice = await t.signIn()
    const mallory = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, alice.accessToken, newPhone)
    const alicesCode = t.inbox.lastCodeFor(newPhone)
    await requestPhoneChange(t, mallory.accessToken, newPhone)
    expect(await confirmPhoneChange(t, mallory.accessToken, newPhone, alicesCode)).toMatchObject({ __typename: 'InvalidOtpError' })
    // Alice's own change is untouched by Mallory's request.
    expect(await confirmPhoneChange(t, alice.accessToken, newPhone, alicesCode)).toMatchObject({ __typename: 'PhoneChanged' })
  })

  it('keeps one pending change per account: a newer request replaces the older', async () => {
    const t = await app()
    const session = await t.signIn()
    const [first, second] = [uniquePhone(), uniquePhone()]
    await requestPhoneChange(t, session.accessToken, first)
    await requestPhoneChange(t, session.accessToken, second)
    const answer = await confirmPhoneChange(t, session.accessToken, first, t.inbox.lastCodeFor(first))
    expect(answer).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
    expect(await confirmPhoneChange(t, session.accessToken, second, t.inbox.lastCodeFor(second))).toMatchObject({ __typename: 'PhoneChanged' })
  })

  it('uses a change code once', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await changePhone(t, session.accessToken, newPhone)
    const again = await confirmPhoneChange(t, session.accessToken, newPhone, t.inbox.lastCodeFor(newPhone))
    expect(again).toMatchObject({ __typename: 'InvalidOtpError', reason: 'EXPIRED' })
  })

  it('counts wrong codes and burns the code after OTP_MAX_ATTEMPTS', async () => {
    const t = await app({ OTP_MAX_ATTEMPTS: '2' })
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    const code = t.inbox.lastCodeFor(newPhone)
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, wrongCode(code))).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, wrongCode(code))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('answers PhoneInUseError once the code is right when another account has the number, and changes nothing', async () => {
    const t = await app()
    const owner = await t.signIn()
    const session = await t.signIn()
    const answer = await changePhone(t, session.accessToken, owner.user.phone)
    expect(answer).toMatchObject({ __typename: 'PhoneInUseError', code: 'PHONE_IN_USE' })
    expect(await me(t, session.accessToken)).toEqual({ id: session.user.id, phone: session.user.phone })
    expect(await me(t, owner.accessToken)).toEqual({ id: owner.user.id, phone: owner.user.phone })
  })

  it('answers null and UNAUTHENTICATED without an access token', async () => {
    const t = await app()
    for (const answer of [await requestPhoneChange(t, 'not-a-token', uniquePhone()), await confirmPhoneChange(t, 'x', uniquePhone(), '123456')]) {
      expect(answer).toEqual({ errors: ['UNAUTHENTICATED'] })
    }
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('answers UNAUTHENTICATED to a session signed out before it confirms', async () => {
    const t = await app()
    const session = await t.signIn()
    const newPhone = uniquePhone()
    await requestPhoneChange(t, session.accessToken, newPhone)
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken }, bearer(session.accessToken))
    expect(await confirmPhoneChange(t, session.accessToken, newPhone, t.inbox.lastCodeFor(newPhone))).toEqual({ errors: ['UNAUTHENTICATED'] })
    expect(await t.deps.prisma.user.count({ where: { phone: newPhone } })).toBe(0)
  })
})
