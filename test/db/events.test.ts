import { describe, expect, it } from 'vitest'
import { createEventWriter } from '../../src/db/events.ts'
import type { PrismaClient } from '../../src/generated/prisma/client.ts'
import { useTestStores } from '../helpers.ts'
import { silentLogger } from '../support/services.ts'

const stores = useTestStores()

/** The real database, behind a switch that makes every write fail while `down` is true. */
function switchableDatabase() {
  const state = { down: false }
  const real = stores.database.prisma
  const prisma = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== '$executeRaw') return Reflect.get(target, key, receiver)
      return (...args: Parameters<PrismaClient['$executeRaw']>) => (state.down ? Promise.reject(new Error('connection refused')) : real.$executeRaw(...args))
    },
  })
  return { prisma, state }
}

const options = { flushIntervalMs: 60_000, maxBatch: 2, maxQueued: 5, now: () => new Date() }

/** The events of this test (told apart by their user agent), oldest first. */
async function written(tag: string) {
  return stores.database.prisma.authEvent.findMany({ where: { userAgent: tag }, orderBy: { id: 'asc' } })
}

describe('the audit writer', () => {
  it('writes queued events in batches when flushed', async () => {
    const { prisma } = switchableDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    for (const type of ['otp_requested', 'otp_sent', 'otp_verified'] as const) writer.record({ type, userAgent: 'batches' })
    await writer.close()
    expect((await written('batches')).map((event) => event.type)).toEqual(['otp_requested', 'otp_sent', 'otp_verified'])
  })

  it('writes every column of an event, and null for what it does not carry', async () => {
    const { prisma } = switchableDatabase()
    const at = new Date('2026-11-30T10:00:00.123Z')
    const writer = createEventWriter(prisma, silentLogger, { ...options, now: () => at })
    const userId = '0b7f2f3e-8a51-4c1e-9a43-2f1d5c7e9b10'
    const sessionId = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
    writer.record({ type: 'otp_failed', phone: '+919812345678', userId, sessionId, ip: '203.0.113.9', userAgent: 'columns', detail: 'INCORRECT' })
    writer.record({ type: 'rate_limited', userAgent: 'columns' })
    await writer.close()
    const [full, bare] = await written('columns')
    expect(full).toMatchObject({ createdAt: at, type: 'otp_failed', phone: '+919812345678', userId, sessionId, ip: '203.0.113.9', detail: 'INCORRECT' })
    expect(bare).toMatchObject({ type: 'rate_limited', phone: null, userId: null, sessionId: null, ip: null, detail: null })
  })

  it('keeps events while the database is away and writes them once it is back', async () => {
    const { prisma, state } = switchableDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    state.down = true
    writer.record({ type: 'otp_sent', userAgent: 'outage' })
    writer.record({ type: 'otp_failed', detail: 'INCORRECT', userAgent: 'outage' })
    await writer.flush()
    expect(await written('outage')).toHaveLength(0)
    state.down = false
    await writer.close()
    expect((await written('outage')).map((event) => event.type)).toEqual(['otp_sent', 'otp_failed'])
  })

  it('drops events beyond maxQueued instead of growing without bound', async () => {
    const { prisma } = switchableDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    for (let i = 0; i < 8; i++) writer.record({ type: 'otp_requested', userAgent: 'bounded' })
    await writer.close()
    expect(await written('bounded')).toHaveLength(5)
  })
})
