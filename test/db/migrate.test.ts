import { createHash, randomBytes } from 'node:crypto'
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, pgExecutor, type SqlExecutor } from '../../src/db/migrate.ts'
import { createTestDatabase, describeReal, type TestDatabase } from '../support/services.ts'

// Each test works in a schema of its own (through search_path), so one database per
// backend serves the whole file and every test still starts from nothing.

const FIRST = '20261125000000_users_and_sessions'
const ALL = [FIRST, '20261125020000_auth_events', '20261129000000_session_authenticated_at', '20261129010000_released_phone', '20261130000000_webhook_outbox']
const TABLES = ['_prisma_migrations', 'auth_events', 'sessions', 'users', 'webhook_events']
const LOCK_KEY = 72707369

interface Backend {
  /** A connection whose search_path is the given, already created schema. */
  connect(schema: string): Promise<{ sql: SqlExecutor; close(): Promise<void> }>
}

let tempDirs: string[] = []
afterAll(async () => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))))

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'phone-auth-migrations-'))
  tempDirs.push(dir)
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  return dir
}

const tableNames = async (sql: SqlExecutor) =>
  (
    await sql.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
    )
  ).rows.map((r) => r.table_name)

function migrationSuite(backend: () => Backend): void {
  let schema = ''
  let session: { sql: SqlExecutor; close(): Promise<void> }
  beforeEach(async () => {
    schema = `m_${randomBytes(5).toString('hex')}`
    session = await backend().connect(schema)
    return () => session.close()
  })

  it('creates the tables and records each migration with its checksum', async () => {
    expect(await applyMigrations(session.sql)).toEqual({ applied: ALL })
    expect(await tableNames(session.sql)).toEqual(TABLES)
    const { rows } = await session.sql.query<Record<string, unknown>>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name')
    const expected = await Promise.all(
      ALL.map(async (name) =>
        expect.objectContaining({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          migration_name: name,
          checksum: createHash('sha256').update(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex'),
          finished_at: expect.any(Date),
          rolled_back_at: null,
          logs: null,
          applied_steps_count: 1,
        }),
      ),
    )
    expect(rows).toEqual(expected)
  })

  it('keeps the history table exactly as Prisma defines it', async () => {
    await applyMigrations(session.sql)
    const { rows } = await session.sql.query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    )
    expect(rows.map((c) => Object.values(c).join(' ').trim())).toEqual([
      'id character varying 36 NO',
      'checksum character varying 64 NO',
      'finished_at timestamp with time zone  YES',
      'migration_name character varying 255 NO',
      'logs text  YES',
      'rolled_back_at timestamp with time zone  YES',
      'started_at timestamp with time zone  NO now()',
      'applied_steps_count integer  NO 0',
    ])
  })

  it('applies nothing the second time', async () => {
    await applyMigrations(session.sql)
    expect(await applyMigrations(session.sql)).toEqual({ applied: [] })
    const { rows } = await session.sql.query('SELECT id FROM "_prisma_migrations"')
    expect(rows).toHaveLength(ALL.length)
  })

  it('refuses a migration that was changed after it was applied, but not new line endings', async () => {
    const dir = await copyOfMigrations()
    const file = path.join(dir, FIRST, 'migration.sql')
    await applyMigrations(session.sql, { migrationsDir: dir })
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'))
    expect(await applyMigrations(session.sql, { migrationsDir: dir })).toEqual({ applied: [] })
    await appendFile(file, '-- an edit\n')
    await expect(applyMigrations(session.sql, { migrationsDir: dir })).rejects.toThrow(
      `migration ${FIRST} was changed after it was applied`,
    )
  })

  it('refuses to continue after a failed migration that is not rolled back', async () => {
    await session.sql.exec(`CREATE TABLE "_prisma_migrations" (
      id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`)
    await session.sql.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, 'x', $2)`, [
      '00000000-0000-4000-8000-000000000000',
      FIRST,
    ])
    await expect(applyMigrations(session.sql)).rejects.toThrow(`migration ${FIRST} failed earlier`)
    expect(await tableNames(session.sql)).toEqual(['_prisma_migrations'])
  })

  it('rolls a failing migration back, keeps its error on record, and retries it next time', async () => {
    const dir = await copyOfMigrations()
    const broken = path.join(dir, '20261201000000_broken')
    await mkdir(broken)
    await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "half" (id INT);\nSELECT * FROM "missing";\n')
    await expect(applyMigrations(session.sql, { migrationsDir: dir })).rejects.toThrow(
      'migration 20261201000000_broken failed and was rolled back',
    )
    expect(await tableNames(session.sql)).toEqual(TABLES)
    const { rows } = await session.sql.query<{ logs: string; rolled_back_at: Date | null }>(
      `SELECT logs, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = '20261201000000_broken'`,
    )
    expect(rows).toEqual([{ logs: expect.stringContaining('missing'), rolled_back_at: expect.any(Date) }])
    await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "half" (id INT);\n')
    expect(await applyMigrations(session.sql, { migrationsDir: dir })).toEqual({ applied: ['20261201000000_broken'] })
  })
}

describe('applyMigrations on PGlite', () => {
  let pglite: PGlite
  beforeAll(async () => {
    pglite = await PGlite.create()
    return () => pglite.close()
  })
  // PGlite is one session: switching search_path moves the whole database to the schema.
  migrationSuite(() => ({
    connect: async (schema) => {
      await pglite.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`)
      return { sql: pglite, close: async () => undefined }
    },
  }))
})

describeReal('applyMigrations on PostgreSQL', ['postgres'], () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
    return () => database.drop()
  })
  const connect = async (schema: string) => {
    const client = new pg.Client({ connectionString: database.databaseUrl, options: `-c search_path=${schema}` })
    // The database is dropped with FORCE at the end; a connection still open then must
    // not surface as an uncaught error.
    client.on('error', () => {})
    await client.connect()
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    return { sql: pgExecutor(client), close: () => client.end() }
  }
  migrationSuite(() => ({ connect }))

  it('lets runners started at once all succeed, applying each migration once', async () => {
    const schema = `race_${randomBytes(5).toString('hex')}`
    // The schema is created once first: CREATE SCHEMA IF NOT EXISTS itself races.
    const first = await connect(schema)
    const sessions = [first, ...(await Promise.all([2, 3, 4].map(() => connect(schema))))]
    try {
      const results = await Promise.all(sessions.map((s) => applyMigrations(s.sql)))
      expect(results.map((r) => r.applied).sort()).toEqual([[], [], [], ALL])
      const { rows } = await sessions[0]!.sql.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY 1')
      expect(rows).toEqual(ALL.map((name) => ({ migration_name: name })))
    } finally {
      await Promise.all(sessions.map((s) => s.close()))
    }
  })

  it('releases the lock after a run, even a failed one', async () => {
    const [runner, other] = await Promise.all([connect('lock_a'), connect('lock_b')])
    try {
      await runner.sql.exec('CREATE TABLE "_prisma_migrations" (broken INT)')
      await expect(applyMigrations(runner.sql)).rejects.toThrow()
      const { rows } = await other.sql.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY])
      expect(rows).toEqual([{ locked: true }])
    } finally {
      await Promise.all([runner.close(), other.close()])
    }
  })
})
