import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import type { Logger } from 'pino'
import { PrismaClient, type Prisma } from '../generated/prisma/client.ts'
import { applyMigrations, pgExecutor } from './migrate.ts'
import { withTimeout } from '../common/timeout.ts'

/**
 * Opens the one database of the service: PostgreSQL through a pg pool when a URL is
 * given, otherwise the embedded PGlite (development and tests). Reads no environment.
 */

export interface Database {
  kind: 'postgres' | 'pglite'
  prisma: PrismaClient
  /** The request path's hottest statement, run without Prisma's client (`HotQuery`). */
  hotQuery: HotQuery
  /** `SELECT 1`, rejected when no answer comes within timeoutMs. */
  ping(timeoutMs: number): Promise<void>
  /** Disconnects Prisma and closes the pool or PGlite; later calls do nothing. */
  close(): Promise<void>
}

/**
 * Runs one statement written with `Prisma.sql` straight on the driver: on PostgreSQL the
 * pool, as a named prepared statement; on PGlite (development) through Prisma.
 * Measured on PostgreSQL (one warm process, 1,000 sign-ins each way): the sign-in
 * statement costs 0.5–0.8 ms of CPU through Prisma's client and 0.2 ms on the pool — a
 * fifth of a whole sign-in's CPU spent around one statement. Prisma keeps the schema,
 * the migrations and every other statement; only the sign-in goes this way.
 */
export type HotQuery = <Row>(statement: Prisma.Sql) => Promise<Row[]>

export interface OpenDatabaseOptions {
  databaseUrl?: string
  /** PGlite keeps its files in `${dataDir}/pglite`. */
  dataDir?: string
  inMemory?: boolean
  migrate: boolean
  logger: Logger
  poolMax?: number
  /** Longest a PostgreSQL statement may run; default 3000. Migrations are not bounded. */
  statementTimeoutMs?: number
  migrationsDir?: string
}

// An outage must answer within a few seconds instead of hanging a request: a connection
// attempt gives up after 2 s, a statement after 3 s (server side, and client side for
// a server that no longer answers at all).
const CONNECT_TIMEOUT_MS = 2_000
const STATEMENT_TIMEOUT_MS = 3_000
const DEFAULT_POOL_MAX = 10

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openEmbedded(options)
}

/** Applies pending migrations alone (for `npm run db:migrate`), then lets go of the database. */
export async function migrateDatabase(
  options: Omit<OpenDatabaseOptions, 'migrate' | 'poolMax' | 'statementTimeoutMs'>,
): Promise<{ kind: Database['kind']; applied: string[] }> {
  if (options.databaseUrl) {
    return { kind: 'postgres', ...(await migratePostgres(options.databaseUrl, options)) }
  }
  const pglite = await startPglite(options)
  try {
    return { kind: 'pglite', ...(await applyMigrations(pglite, options)) }
  } finally {
    await pglite.close()
  }
}

async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Database> {
  if (options.migrate) await migratePostgres(databaseUrl, options)
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolMax ?? DEFAULT_POOL_MAX,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    query_timeout: (options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS) + 500,
    keepAlive: true,
  })
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle PostgreSQL connection failed'))
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: preparedStatementName }) })
  const hotQuery: HotQuery = async <Row>(statement: Prisma.Sql) => {
    const name = preparedStatementName({ sql: statement.text, args: statement.values })
    return (await pool.query({ name, text: statement.text, values: statement.values })).rows as Row[]
  }
  return makeDatabase('postgres', prisma, hotQuery, () => pool.end())
}

/** Statements with more parameters than this (batched inserts of any size) stay unnamed. */
const maxPreparedParameters = 64

/**
 * Names a statement so each pooled connection parses and plans it once and then only
 * binds and executes it: the sign-in statement is the same text on every request. The
 * name is a digest of the text, so two texts never share one. Variable-length batches
 * (audit rows) would each be a new statement kept for the connection's life: unnamed.
 */
function preparedStatementName(query: { sql: string; args: unknown[] }): string {
  // pg prepares only statements with a non-empty name.
  if (query.args.length > maxPreparedParameters) return ''
  return `pa_${createHash('sha1').update(query.sql).digest('base64url')}`
}

/** Migrations run on one dedicated connection: the advisory lock belongs to a session. */
async function migratePostgres(databaseUrl: string, options: Pick<OpenDatabaseOptions, 'logger' | 'migrationsDir'>) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  client.on('error', (error) => options.logger.warn({ err: error }, 'migration connection failed'))
  await client.connect()
  try {
    return await applyMigrations(pgExecutor(client), options)
  } finally {
    await client.end()
  }
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  const pglite = await startPglite(options)
  try {
    if (options.migrate) await applyMigrations(pglite, options)
  } catch (error) {
    await pglite.close() // an open PGlite keeps Node running
    throw error
  }
  const { PrismaPGlite } = await import('pglite-prisma-adapter')
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) })
  return makeDatabase('pglite', prisma, (statement) => prisma.$queryRaw(statement), () => pglite.close())
}

async function startPglite(options: Pick<OpenDatabaseOptions, 'dataDir' | 'inMemory'>): Promise<PGlite> {
  // Loaded only when used: the module alone costs about 50 MB of memory, which a service
  // on PostgreSQL must not pay.
  const { PGlite } = await import('@electric-sql/pglite')
  if (options.inMemory) return PGlite.create()
  if (!options.dataDir) throw new Error('openDatabase: give databaseUrl, dataDir or inMemory')
  // PGlite creates its own folder but not the ones above it.
  await mkdir(options.dataDir, { recursive: true })
  const folder = path.join(options.dataDir, 'pglite')
  try {
    return await PGlite.create(folder)
  } catch (error) {
    throw new Error(`could not open the embedded database in ${folder} (made by another PGlite version?)`, {
      cause: error,
    })
  }
}

function makeDatabase(kind: Database['kind'], prisma: PrismaClient, hotQuery: HotQuery, closeDriver: () => Promise<void>): Database {
  let closing: Promise<void> | undefined
  return {
    kind,
    prisma,
    hotQuery,
    ping: async (timeoutMs) => void (await withTimeout(prisma.$queryRaw`SELECT 1`, timeoutMs)),
    close: () => {
      closing ??= prisma.$disconnect().finally(closeDriver)
      return closing
    },
  }
}
