import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { createTestDatabase, itReal, silentLogger } from '../support/services.ts'

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

async function createAndReadUser(database: Database): Promise<void> {
  const phone = `+9198${String(Date.now()).slice(-8)}`
  const created = await database.prisma.user.create({ data: { id: randomUUID(), phone } })
  const found = await database.prisma.user.findUnique({ where: { phone } })
  expect(found).toEqual(created)
  expect(found?.createdAt).toBeInstanceOf(Date)
}

/**
 * Opens a database in a child process, uses it and closes it. The child must then exit
 * by itself: a handle left open (pool, PGlite, timer) would keep it, and a server, alive.
 */
function openUseCloseInChild(databaseUrl?: string): Promise<{ stdout: string; elapsedMs: number }> {
  const script = `
    import { randomUUID } from 'node:crypto'
    import { pino } from 'pino'
    import { openDatabase } from './src/db/client.ts'
    const url = process.env.CHILD_DATABASE_URL
    const db = await openDatabase({ databaseUrl: url || undefined, inMemory: !url, migrate: true, logger: pino({ level: 'silent' }) })
    await db.prisma.user.create({ data: { id: randomUUID(), phone: '+919800000001' } })
    await db.ping(2000)
    await db.close()
    console.log('closed')`
  const startedAtMs = Date.now()
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: projectRoot, timeout: 25_000, env: { ...process.env, CHILD_DATABASE_URL: databaseUrl ?? '' } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`child failed or hung: ${error.message}\n${stderr}`)) : resolve({ stdout, elapsedMs: Date.now() - startedAtMs }),
    )
  })
}

describe('openDatabase on PGlite', () => {
  it('in memory: migrates, creates and reads a user, answers ping, closes twice', async () => {
    const database = await openDatabase({ inMemory: true, migrate: true, logger: silentLogger })
    expect(database.kind).toBe('pglite')
    await createAndReadUser(database)
    await database.ping(1_000)
    await database.close()
    await database.close()
  })

  it('persisted: creates the parent folders and keeps data across reopening', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'phone-auth-data-'))
    const dataDir = path.join(root, 'nested', 'data')
    try {
      const first = await openDatabase({ dataDir, migrate: true, logger: silentLogger })
      await first.prisma.user.create({ data: { id: randomUUID(), phone: '+919811111111' } })
      await first.close()
      expect(await readdir(dataDir)).toEqual(['pglite'])
      const second = await openDatabase({ dataDir, migrate: true, logger: silentLogger })
      expect(await second.prisma.user.count()).toBe(1)
      await second.close()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('lets the process exit after close', async () => {
    expect((await openUseCloseInChild()).stdout.trim()).toBe('closed')
  })
})

describe('openDatabase on PostgreSQL', () => {
  itReal('migrates, creates and reads a user, answers ping, closes', ['postgres'], async () => {
    const test = await createTestDatabase()
    try {
      const database = await openDatabase({ databaseUrl: test.databaseUrl, migrate: true, logger: silentLogger, poolMax: 2 })
      expect(database.kind).toBe('postgres')
      await createAndReadUser(database)
      await database.ping(1_000)
      await database.close()
    } finally {
      await test.drop()
    }
  })

  itReal('lets the process exit after close', ['postgres'], async () => {
    const test = await createTestDatabase()
    try {
      expect((await openUseCloseInChild(test.databaseUrl)).stdout.trim()).toBe('closed')
    } finally {
      await test.drop()
    }
  })

  // Needs no real server: a socket that accepts and never answers is the worst outage.
  describe('when the server accepts connections but never answers', () => {
    const sockets = new Set<Socket>()
    let server: Server
    const listening = new Promise<number>((resolve) => {
      server = createServer((socket) => void sockets.add(socket)).listen(0, '127.0.0.1', () =>
        resolve((server.address() as { port: number }).port),
      )
    })
    afterAll(() => {
      for (const socket of sockets) socket.destroy()
      server.close()
    })

    it('ping fails by its deadline and queries fail within the connect timeout', async () => {
      const databaseUrl = `postgresql://nobody@127.0.0.1:${await listening}/none`
      const database = await openDatabase({ databaseUrl, migrate: false, logger: silentLogger })
      const pingStartedAtMs = Date.now()
      await expect(database.ping(300)).rejects.toThrow('no answer within 300 ms')
      expect(Date.now() - pingStartedAtMs).toBeLessThan(1_000)
      const queryStartedAtMs = Date.now()
      await expect(database.prisma.user.count()).rejects.toThrow()
      expect(Date.now() - queryStartedAtMs).toBeLessThan(3_500)
      await database.close()
    })

    it('migrations at start-up fail within the connect timeout', async () => {
      const databaseUrl = `postgresql://nobody@127.0.0.1:${await listening}/none`
      const startedAtMs = Date.now()
      await expect(openDatabase({ databaseUrl, migrate: true, logger: silentLogger })).rejects.toThrow(/timeout/i)
      expect(Date.now() - startedAtMs).toBeLessThan(3_500)
    })
  })
})
