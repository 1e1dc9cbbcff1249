/**
 * `npm run db:migrate`: applies pending migrations from prisma/migrations to DATABASE_URL
 * (or the embedded database under DATA_DIR), under the same advisory lock the service
 * takes when MIGRATE_ON_START is on, then exits.
 */
import { loadConfig } from '../src/config/config.ts'
import { migrateDatabase } from '../src/db/client.ts'
import { createLogger } from '../src/observability/logger.ts'

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const logger = createLogger(config.logLevel)
  const { kind, applied } = await migrateDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
  })
  const where = kind === 'postgres' ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`
  if (applied.length === 0) console.log(`${where} is up to date; no migration applied`)
  else console.log(`applied ${applied.length} migration(s) to ${where}:\n${applied.map((n) => `  ${n}`).join('\n')}`)
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`)
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof Error) console.error(`  caused by: ${cause.message}`)
  process.exitCode = 1
})
