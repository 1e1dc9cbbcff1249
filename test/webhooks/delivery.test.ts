import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { claimDueEvents } from '../../src/db/outbox.ts'
import { createMetrics } from '../../src/observability/metrics.ts'
import { createWebhookDispatcher, type DispatcherOptions, type WebhookDispatcher } from '../../src/webhooks/dispatcher.ts'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'
import { memoryLog } from '../support/memory-log.ts'
import { bearer } from '../support/phone-change.ts'
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'

/**
 * The dispatcher against a real receiver that verifies every signature with the
 * `standardwebhooks` package: signed, retried with the same webhook-id, in order per
 * user, dead-lettered after WEBHOOK_RETRY_SECONDS without holding up later events.
 */

const stores = useTestStores()
const secret = newWebhookSecret()
const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
let receiver: WebhookReceiver
let running: WebhookDispatcher | undefined

beforeEach(async () => {
  await stores.database.prisma.webhookEvent.deleteMany()
  receiver = await startWebhookReceiver(secret)
})

afterEach(async () => {
  await running?.stop()
  running = undefined
  await receiver.close()
})

async function app(): Promise<TestApp> {
  return createTestApp({ ...stores, env: { OTP_RESEND_COOLDOWN_SECONDS: '0', WEBHOOK_URL: receiver.url(), WEBHOOK_SECRET: secret } })
}

function dispatch(options: Partial<DispatcherOptions> = {}) {
  const metrics = createMetrics({ processMetrics: false })
  const log = memoryLog('info')
  running = createWebhookDispatcher({
    prisma: stores.database.prisma,
    logger: log.logger,
    metrics,
    url: receiver.url(),
    key,
    timeoutMs: 300,
    retrySeconds: 60,
    pollIntervalMs: 20,
    backoff: { firstDelayMs: 40, maxDelayMs: 160 },
    ...options,
  })
  running.start()
  return { metrics, log }
}

const until = (check: () => void | Promise<void>, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 20 })

describe('webhook delivery', () => {
  it('POSTs each event signed the Standard Webhooks way, body exactly as written', async () => {
    const t = await app()
    const session = await t.signIn()
    dispatch()
    await until(() => expect(receiver.received).toHaveLength(1))
    const [event] = await t.deps.prisma.$queryRaw<{ id: string; body: string }[]>`SELECT id, body::text AS body FROM webhook_events`
    expect(receiver.received[0]).toMatchObject({ id: event!.id, type: 'user.created', userId: session.user.id, body: event!.body })
    expect(Math.abs(receiver.received[0]!.timestamp - Date.now() / 1000)).toBeLessThan(5)
    expect(receiver.problems).toEqual([])
    await until(async () => expect(await t.deps.prisma.webhookEvent.findUnique({ where: { id: event!.id }, select: { status: true } })).toEqual({ status: 'delivered' }))
  })

  it('retries a 500 with the same webhook-id, signing each attempt anew', async () => {
    const t = await app()
    await t.signIn()
    receiver.setMode('error')
    dispatch()
    await until(() => expect(receiver.attempts.length).toBeGreaterThanOrEqual(3))
    receiver.setMode('ok')
    await until(() => expect(receiver.received).toHaveLength(1))
    expect(new Set(receiver.attempts.map((a) => a.id)).size).toBe(1)
    expect(receiver.problems).toEqual([])
  })

  it('retries while the receiver is down (connection refused), and delivers once it is back', async () => {
    const t = await app()
    await t.signIn()
    await receiver.down()
    const { log } = dispatch()
    await until(() => expect(log.entries().filter((e) => e.reason === 'connection').length).toBeGreaterThanOrEqual(2))
    await receiver.up()
    await until(() => expect(receiver.received).toHaveLength(1))
  })

  it('counts an attempt that outlives WEBHOOK_TIMEOUT_MS as failed, and retries it', async () => {
    const t = await app()
    await t.signIn()
    receiver.setMode('hang')
    const { log } = dispatch({ timeoutMs: 150 })
    await until(() => expect(log.entries().some((e) => e.reason === 'timeout')).toBe(true))
    receiver.setMode('ok')
    await until(() => expect(receiver.received).toHaveLength(1))
  })

  it('never follows a redirect: a 3xx is a failed attempt', async () => {
    const t = await app()
    await t.signIn()
    receiver.setMode('redirect')
    const { log } = dispatch()
    await until(() => expect(log.entries().some((e) => e.reason === 'http_307')).toBe(true))
    expect(receiver.received).toHaveLength(0)
  })

  it("sends a user's events in order, one at a time, while other users' go on", async () => {
    const t = await app()
    const first = await t.signIn()
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(first.accessToken))
    const other = await t.signIn()
    dispatch()
    await until(() => expect(receiver.received).toHaveLength(3))
    const firstUsers = receiver.received.filter((r) => r.userId === first.user.id).map((r) => r.type)
    expect(firstUsers).toEqual(['user.created', 'user.deleted'])
    expect(receiver.received.some((r) => r.userId === other.user.id)).toBe(true)
  })

  it("holds a user's later events while the first is failing, and sends other users' meanwhile", async () => {
    const t = await app()
    const stuck = await t.signIn()
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(stuck.accessToken))
    const [stuckCreated] = await t.deps.prisma.webhookEvent.findMany({ where: { userId: stuck.user.id }, orderBy: { seq: 'asc' } })
    // The stuck user's first event is not due for a while, as after failed attempts.
    await t.deps.prisma.webhookEvent.update({ where: { id: stuckCreated!.id }, data: { nextAttemptAt: new Date(Date.now() + 60_000) } })
    const other = await t.signIn()
    dispatch()
    await until(() => expect(receiver.received.map((r) => r.userId)).toContain(other.user.id))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.received.filter((r) => r.userId === stuck.user.id)).toEqual([])
  })

  it("dead-letters an event after WEBHOOK_RETRY_SECONDS, and the user's next event goes on", async () => {
    const t = await app()
    const session = await t.signIn()
    await t.gql('mutation { deleteAccount { __typename } }', {}, bearer(session.accessToken))
    receiver.setMode('error')
    const { metrics, log } = dispatch({ retrySeconds: 1 })
    await until(() => expect(log.entries().some((e) => e.deadLettered === true)).toBe(true))
    receiver.setMode('ok')
    await until(() => expect(receiver.received.map((r) => r.type)).toEqual(['user.deleted']))
    const statuses = await t.deps.prisma.webhookEvent.findMany({ where: { userId: session.user.id }, orderBy: { seq: 'asc' }, select: { status: true } })
    expect(statuses).toEqual([{ status: 'dead' }, { status: 'delivered' }])
    const exported = await metrics.registry.metrics()
    expect(exported).toMatch(/phone_auth_webhook_deliveries_total\{outcome="dead_lettered"\} 1/)
    // A dead letter is never sent again.
    const attemptsOfDead = receiver.attempts.filter((a) => a.id !== receiver.received[0]!.id).length
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.attempts.filter((a) => a.id !== receiver.received[0]!.id)).toHaveLength(attemptsOfDead)
  })

  it('logs each failed attempt with its id and reason, never the body or the secret', async () => {
    const t = await app()
    const session = await t.signIn()
    receiver.setMode('error')
    const { log } = dispatch()
    await until(() => expect(log.entries().filter((e) => e.event === 'webhook.attempt_failed').length).toBeGreaterThanOrEqual(2))
    const failed = log.entries().find((e) => e.event === 'webhook.attempt_failed')!
    expect(failed).toMatchObject({ reason: 'http_500', type: 'user.created', attempt: 1 })
    for (const secretText of [session.user.phone, secret, secret.slice('whsec_'.length)]) expect(log.text()).not.toContain(secretText)
  })

  it('exports the pending count, the oldest pending age and deliveries by outcome', async () => {
    const t = await app()
    await t.signIn()
    receiver.setMode('error')
    const { metrics } = dispatch()
    await until(async () => expect(await metrics.registry.metrics()).toMatch(/phone_auth_webhook_pending_events 1/))
    const exported = await metrics.registry.metrics()
    expect(exported).toMatch(/phone_auth_webhook_oldest_pending_seconds \d/)
    expect(exported).toMatch(/phone_auth_webhook_deliveries_total\{outcome="failed"\} [1-9]/)
  })

  it('sends again an event whose dispatcher died mid-attempt, once its lease has run out', async () => {
    const t = await app()
    await t.signIn()
    // A dispatcher that leased the event and then vanished (a crash): no outcome recorded.
    expect(await claimDueEvents(stores.database.prisma, 10, 1)).toHaveLength(1)
    dispatch()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(receiver.received).toHaveLength(0)
    await until(() => expect(receiver.received).toHaveLength(1))
  })

  it('prunes delivered events after their retention, and keeps dead letters', async () => {
    const t = await app()
    await t.signIn()
    await t.signIn()
    const [delivered, dead] = await t.deps.prisma.webhookEvent.findMany({ orderBy: { seq: 'asc' } })
    const longAgo = new Date(Date.now() - 8 * 86_400_000)
    await t.deps.prisma.webhookEvent.update({ where: { id: delivered!.id }, data: { status: 'delivered', deliveredAt: longAgo } })
    await t.deps.prisma.webhookEvent.update({ where: { id: dead!.id }, data: { status: 'dead', createdAt: longAgo } })
    dispatch()
    await until(async () => expect(await t.deps.prisma.webhookEvent.findMany({ select: { id: true } })).toEqual([{ id: dead!.id }]))
  })
})
