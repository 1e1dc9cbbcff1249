import { createHash, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import type { Logger } from 'pino'

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order and records each one in
 * `_prisma_migrations` the way Prisma's CLI does, so `prisma migrate deploy` accepts the
 * database wherever Prisma's schema engine can be downloaded.
 */

/** The two calls the runner needs; a PGlite instance fits as is, a pg client via pgExecutor. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>
  /** Runs a script of several statements (simple query protocol, no parameters). */
  exec(script: string): Promise<unknown>
}

export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    query: async <Row>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as Row[] }),
    exec: (script) => client.query(script),
  }
}

/**
 * `prisma/migrations` of the project this module belongs to: the nearest one above it,
 * whether it runs as src/db/migrate.ts or compiled into build/main.mjs.
 */
function findMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(dir, 'prisma', 'migrations')
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no prisma/migrations folder above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

export const DEFAULT_MIGRATIONS_DIR = findMigrationsDir()

/** The key Prisma's schema engine locks too, so our runner and `prisma migrate` exclude each other. */
const MIGRATION_LOCK_KEY = 72707369

// Column for column the table Prisma's CLI creates.
const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`

export interface MigrationFile {
  name: string
  script: string
  checksum: string
}

interface HistoryRow {
  migration_name: string
  checksum: string
  finished_at: Date | string | null
  rolled_back_at: Date | string | null
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export interface ApplyMigrationsOptions {
  /** Defaults to the project's prisma/migrations. */
  migrationsDir?: string
  logger?: Logger
}

export async function applyMigrations(
  sql: SqlExecutor,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR)
  // A session-level lock: it lives on this one connection, and PostgreSQL drops it if the
  // connection dies, so a crashed instance never blocks the others for good.
  await sql.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
  try {
    await sql.exec(CREATE_HISTORY_TABLE)
    const history = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"'
    const done = checkHistory(files, (await sql.query<HistoryRow>(history)).rows, options.logger)
    const applied: string[] = []
    for (const file of files) {
      if (done.has(file.name)) continue
      await applyOne(sql, file, options.logger)
      applied.push(file.name)
    }
    return { applied }
  } finally {
    await sql.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
      // The lock ends with the session anyway; the caller closes the connection next.
      options.logger?.warn({ err: error }, 'could not release the migration lock')
    })
  }
}

export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true })
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()
  const files: MigrationFile[] = []
  for (const name of names) {
    const script = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8').catch(ignoreMissing)
    if (script !== undefined) files.push({ name, script, checksum: sha256Hex(script) })
  }
  return files
}

/** Refuses a history we must not build on; returns the names already applied. */
function checkHistory(files: MigrationFile[], rows: HistoryRow[], logger?: Logger): Set<string> {
  const byName = new Map(files.map((f) => [f.name, f]))
  const done = new Set<string>()
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue
    const name = row.migration_name
    if (row.finished_at === null) {
      throw new MigrationError(
        `migration ${name} failed earlier and is not marked rolled back; repair the database by hand, ` +
          `then run \`prisma migrate resolve --rolled-back ${name}\` (or set rolled_back_at on its _prisma_migrations row)`,
      )
    }
    const file = byName.get(name)
    if (!file) {
      // A newer release may have migrated already (rolling deploy); the schema only grew.
      logger?.warn({ migration: name }, 'database has a migration this release does not know')
    } else if (!checksumMatches(file.script, row.checksum)) {
      throw new MigrationError(
        `migration ${name} was changed after it was applied (database checksum ${row.checksum}, ` +
          `file ${file.checksum}); restore the file and put the change in a new migration`,
      )
    }
    done.add(name)
  }
  return done
}

async function applyOne(sql: SqlExecutor, file: MigrationFile, logger?: Logger): Promise<void> {
  const id = randomUUID()
  const startedAtMs = Date.now()
  await sql.exec('BEGIN')
  try {
    const record = 'INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)'
    await sql.query(record, [id, file.checksum, file.name])
    await sql.exec(file.script)
    const finish = 'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1'
    await sql.query(finish, [id])
    await sql.exec('COMMIT')
  } catch (error) {
    await rollBack(sql, file, error, logger)
    const reason = (error as Error).message
    throw new MigrationError(`migration ${file.name} failed and was rolled back: ${reason}`, { cause: error })
  }
  logger?.info({ migration: file.name, durationMs: Date.now() - startedAtMs }, 'applied migration')
}

/**
 * The transaction leaves nothing behind, so the row is written already rolled back: Prisma
 * then treats the migration as pending, and the error stays on record in `logs`.
 */
async function rollBack(sql: SqlExecutor, file: MigrationFile, error: unknown, logger?: Logger): Promise<void> {
  try {
    await sql.exec('ROLLBACK')
    const record = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, rolled_back_at)
                    VALUES ($1, $2, $3, $4, now())`
    await sql.query(record, [randomUUID(), file.checksum, file.name, (error as Error).message ?? String(error)])
  } catch (secondary) {
    // Likely the connection itself broke; the server rolls back for us. Keep the first error.
    logger?.warn({ err: secondary, migration: file.name }, 'could not record the failed migration')
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Like Prisma, accept a file whose line endings git converted after it was applied. */
function checksumMatches(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')]
  return variants.some((text) => sha256Hex(text) === checksum)
}
