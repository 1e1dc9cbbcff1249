import { describe, expect, it } from 'vitest'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'

const stores = useTestStores()

describe('when the SMS cannot be delivered', () => {
  it('answers SmsDeliveryError and leaves no usable code when the message definitely did not go out', async () => {
    const t = await createTestApp(stores)
    const phone = uniquePhone()
    t.inbox.failNext('not-sent')
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'SmsDeliveryError', code: 'SMS_DELIVERY_FAILED' })
    expect(await t.verifyOtp(phone, '123456')).toMatchObject({ reason: 'EXPIRED' })
  })

  it('gives the cooldown back after a definite failure so the person can ask again at once', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '60' } })
    const phone = uniquePhone()
    t.inbox.failNext('not-sent')
    await t.requestOtp(phone)
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'OtpSent' })
    expect(await t.verifyOtp(phone, t.inbox.lastCodeFor(phone))).toMatchObject({ __typename: 'AuthSession' })
  })

  it('keeps counting a definitely failed send against the hourly cap', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_PHONE: '2' } })
    const phone = uniquePhone()
    t.inbox.failNext('not-sent')
    await t.requestOtp(phone)
    await t.requestOtp(phone)
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('keeps the code and the cooldown when the message may still arrive', async () => {
    const t = await createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '60' } })
    const phone = uniquePhone()
    // The fake provider keeps what it was handed even when it answers with a failure.
    const codes: string[] = []
    const send = t.deps.sms.send.bind(t.deps.sms)
    t.deps.sms.send = async (message) => {
      codes.push(message.code)
      return send(message)
    }
    t.inbox.failNext('maybe-sent')
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'SmsDeliveryError' })
    expect(await t.requestOtp(phone)).toMatchObject({ __typename: 'RateLimitedError' })
    expect(await t.verifyOtp(phone, codes[0]!)).toMatchObject({ __typename: 'AuthSession' })
  })
})
