import { describe, expect, it } from 'vitest'
import { parseMsg91Reports } from '../../src/sms/msg91-reports.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'
import { memoryLog } from '../support/memory-log.ts'

/**
 * MSG91 delivery reports at POST /webhooks/msg91/<MSG91_WEBHOOK_TOKEN>: every shape of
 * msg91.md, matched to our own record of the send, counted once, and kept out of the
 * pumping guard's denominator when the message never arrived.
 */

const stores = useTestStores()
const token = 'tok_' + 'a'.repeat(40)
const nextToken = 'tok_' + 'b'.repeat(40)

describe('parseMsg91Reports', () => {
  const flat = { requestId: '64a1b2c3d4e5f60718293a4b', number: '919812345678', status: '1', desc: 'DELIVERED', date: '2026-11-29 10:00:00' }
  it.each([
    ['a flat JSON report', JSON.stringify(flat), 'application/json', [{ requestId: flat.requestId, status: '1' }]],
    ['an array of flat reports', JSON.stringify([flat, { ...flat, requestId: 'x2', status: 2 }]), 'application/json', [{ requestId: flat.requestId, status: '1' }, { requestId: 'x2', status: '2' }]],
    ['the nested form', JSON.stringify([{ requestId: 'r1', userId: 'u', senderId: 's', report: [{ number: '9198', status: '17', desc: 'BLOCKED' }] }]), 'application/json', [{ requestId: 'r1', status: '17' }]],
    ['form-encoded data=<json>', new URLSearchParams({ data: JSON.stringify(flat) }).toString(), 'application/x-www-form-urlencoded', [{ requestId: flat.requestId, status: '1' }]],
  ])('reads %s', (_name, body, contentType, expected) => {
    expect(parseMsg91Reports(body, contentType)).toEqual(expected)
  })

  it.each([
    ['not JSON', '{nope'],
    ['a report without a status', JSON.stringify({ requestId: 'r' })],
    ['a report without a request id', JSON.stringify({ status: '1' })],
    ['a number', '42'],
    ['a nested report entry without a status', JSON.stringify([{ requestId: 'r', report: [{}] }])],
    ['an id of 10 kB', JSON.stringify({ requestId: 'r'.repeat(10_000), status: '1' })],
  ])('refuses %s', (_name, body) => {
    expect(parseMsg91Reports(body, 'application/json')).toBeNull()
  })
})

async function app(env: Record<string, string> = {}) {
  const log = memoryLog('info')
  const t = await createTestApp({ ...stores, logger: log.logger, env: { MSG91_WEBHOOK_TOKEN: `${token},${nextToken}`, OTP_RESEND_COOLDOWN_SECONDS: '0', ...env } })
  return { t, log }
}

async function report(t: TestApp, body: unknown, options: { path?: string; contentType?: string; method?: string } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  return t.app.fetch(options.path ?? `/webhooks/msg91/${token}`, { method: options.method ?? 'POST', headers: { 'content-type': options.contentType ?? 'application/json' }, body: options.method === 'GET' ? undefined : raw })
}

/** Sends a code; answers the provider's id of the message (the inbox numbers them). */
async function sendTo(t: TestApp, phone: string): Promise<string> {
  await t.requestOtp(phone)
  return `inbox-${t.inbox.messages.length}`
}

describe('POST /webhooks/msg91/<token>', () => {
  it('records a delivered report by region and status, once per request id', async () => {
    const { t } = await app()
    const requestId = await sendTo(t, uniquePhone())
    expect(await (await report(t, { requestId, status: '1' })).json()).toEqual({ matched: 1, unknown: 0 })
    expect(await (await report(t, { requestId, status: '1' })).json()).toEqual({ matched: 0, unknown: 1 })
    const metrics = await t.deps.metrics.registry.metrics()
    expect(metrics).toMatch(/phone_auth_sms_delivery_reports_total\{country="IN",status="delivered"\} 1/)
    expect(metrics).toMatch(/phone_auth_sms_delivery_reports_total\{country="unknown",status="unknown_request"\} 1/)
  })

  it('audits each matched report with the number from our own record of the send', async () => {
    const { t } = await app()
    const phone = uniquePhone()
    const requestId = await sendTo(t, phone)
    await report(t, [{ requestId, userId: 'u', senderId: 's', report: [{ number: '910000000000', status: '2', desc: 'FAILED' }] }])
    await t.events.flush()
    expect(await t.deps.prisma.authEvent.findMany({ where: { type: 'sms_delivery_reported', phone }, select: { detail: true } })).toEqual([{ detail: 'failed' }])
  })

  it('takes numbers whose messages failed out of the pumping guard\'s count', async () => {
    const { t } = await app({ PUMPING_MIN_SENDS: '5', PUMPING_MIN_CONVERSION: '0.5' })
    const range = () => `+917014${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`
    for (let i = 0; i < 4; i++) await report(t, { requestId: await sendTo(t, range()), status: '2' })
    for (let i = 0; i < 4; i++) expect(await t.requestOtp(range())).toMatchObject({ __typename: 'OtpSent' })
  })

  it('accepts the second token of a rotation and form-encoded bodies', async () => {
    const { t } = await app()
    const requestId = await sendTo(t, uniquePhone())
    const response = await report(t, new URLSearchParams({ data: JSON.stringify({ requestId, status: '16' }) }).toString(), {
      path: `/webhooks/msg91/${nextToken}`,
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(await response.json()).toEqual({ matched: 1, unknown: 0 })
  })

  it('answers an unknown token with a bare 404, and never logs a token', async () => {
    const { t, log } = await app()
    const response = await report(t, { requestId: 'r', status: '1' }, { path: `/webhooks/msg91/${token.slice(0, -1)}x` })
    expect(response.status).toBe(404)
    expect(await response.text()).toBe('')
    await report(t, { requestId: 'r', status: '1' })
    expect(log.text()).not.toContain(token)
  })

  it('is not there at all without MSG91_WEBHOOK_TOKEN', async () => {
    const { t } = await app({ MSG91_WEBHOOK_TOKEN: '' })
    expect((await report(t, { requestId: 'r', status: '1' })).status).toBe(404)
  })

  it.each([
    ['a malformed body', '{"requestId":', 400],
    ['a body over 16 kB', JSON.stringify([{ requestId: 'r', status: '1', pad: 'x'.repeat(17_000) }]), 413],
  ])('answers %s with %d, never a 500', async (_name, body, status) => {
    const { t } = await app()
    expect((await report(t, body)).status).toBe(status)
  })

  it('answers 405 to a GET with the right token', async () => {
    const { t } = await app()
    expect((await report(t, null, { method: 'GET' })).status).toBe(405)
  })
})
