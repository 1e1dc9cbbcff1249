import { describe, expect, it } from 'vitest'
import { createEventWriter } from '../../src/db/events.ts'
import type { PrismaClient } from '../../src/generated/prisma/client.ts'
import { silentLogger } from '../support/services.ts'

/** A stand-in for Prisma's createMany that fails while `down` is true. */
function fakeDatabase() {
  const written: unknown[] = []
  const state = { down: false, written }
  const prisma = {
    authEvent: {
      createMany: async ({ data }: { data: unknown[] }) => {
        if (state.down) throw new Error('connection refused')
        written.push(...data)
        return { count: data.length }
      },
    },
  } as unknown as PrismaClient
  return { prisma, state }
}

const options = { flushIntervalMs: 60_000, maxBatch: 2, maxQueued: 5, now: () => new Date() }

describe('the audit writer', () => {
  it('writes queued events in batches when flushed', async () => {
    const { prisma, state } = fakeDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    for (const type of ['otp_requested', 'otp_sent', 'otp_verified'] as const) writer.record({ type })
    await writer.close()
    expect(state.written.map((e: any) => e.type)).toEqual(['otp_requested', 'otp_sent', 'otp_verified'])
  })

  it('keeps events while the database is away and writes them once it is back', async () => {
    const { prisma, state } = fakeDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    state.down = true
    writer.record({ type: 'otp_sent' })
    writer.record({ type: 'otp_failed', detail: 'INCORRECT' })
    await writer.flush()
    expect(state.written).toHaveLength(0)
    state.down = false
    await writer.close()
    expect(state.written.map((e: any) => e.type)).toEqual(['otp_sent', 'otp_failed'])
  })

  it('drops events beyond maxQueued instead of growing without bound', async () => {
    const { prisma, state } = fakeDatabase()
    const writer = createEventWriter(prisma, silentLogger, options)
    for (let i = 0; i < 8; i++) writer.record({ type: 'otp_requested' })
    await writer.close()
    expect(state.written).toHaveLength(5)
  })
})
