import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import { openDatabase } from '../src/db/client.ts'
import { createLogger } from '../src/observability/logger.ts'
import { cleanup, cleanupOnSignals, onCleanup, stopping } from './bench/cleanup.ts'
import { runMode, type ModeResult, type Run } from './bench/compare.ts'
import { startFakeMsg91 } from './bench/fake-msg91.ts'
import { modes } from './bench/modes.ts'
import { parseOptions, usage, UsageError, type BenchOptions } from './bench/options.ts'
import { buildResult, formatTables } from './bench/report.ts'
import { seedUsers } from './bench/seed.ts'
import { SetupError, startStores } from './bench/services.ts'
import type { BenchSettings, ServerKind } from './bench/settings.ts'

/**
 * `npm run bench`: the GraphQL service against a floor written directly on pg, ioredis
 * and jose (scripts/bench/floor.ts), in three modes (scripts/bench/modes.ts).
 *
 * Layout: each server in a child process of its own, so its CPU time and peak RSS are
 * its own; this process runs the load generator and the fake MSG91 both servers send
 * their SMS to, so a code reaches the load generator without another hop. Only one
 * server is under load at a time (scripts/bench/compare.ts), with the same client,
 * concurrency, stores and timings.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (options.help) return void process.stdout.write(usage)
  cleanupOnSignals()
  const stores = await startStores({ redisUrl: process.env.REDIS_URL || undefined, databaseUrl: process.env.DATABASE_URL || undefined }, onCleanup)
  progress(stores.started.length > 0 ? `started ${stores.started.join(' and ')} on 127.0.0.1` : 'using REDIS_URL and DATABASE_URL')
  await migrate(stores.databaseUrl)
  if (options.users > 0) progress(`the users table holds ${await seedUsers(stores.databaseUrl, options.users)} accounts`)
  const sms = await startFakeMsg91()
  onCleanup(sms.close)
  const run: Run = { ...options, settingsFor: sharedSettings(stores.redisUrl, stores.databaseUrl, sms.baseUrl), sms, nextPhone: phoneSequence() }
  const results: ModeResult[] = []
  for (const name of options.modes) {
    progress(`${name}: ${describeRun(options)}`)
    results.push(await runMode(modes[name], run))
  }
  const describe = (given: string | undefined) => (given ? 'given URL' : 'started by the bench')
  const result = buildResult(options, { redis: describe(process.env.REDIS_URL), postgres: describe(process.env.DATABASE_URL) }, results)
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTables(result)}\n`)
  if (results.some((mode) => mode.service.median.opsPerSecond === 0 || mode.floor.median.opsPerSecond === 0)) {
    throw new Error('a server completed no operation in some mode; see the errors above')
  }
}

function describeRun(options: BenchOptions): string {
  const { concurrency, warmupSeconds, seconds, rounds } = options
  return `${concurrency} in flight; ${warmupSeconds} s warm-up, then ${rounds} round(s) of ${seconds} s per server`
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

/** The schema, created the way the service creates it on start. */
async function migrate(databaseUrl: string): Promise<void> {
  const database = await openDatabase({ databaseUrl, migrate: true, logger: createLogger('silent') })
  await database.close()
}

/** One OTP key and signing key for the run; a fresh Redis key prefix per server. */
function sharedSettings(redisUrl: string, databaseUrl: string, msg91BaseUrl: string): (kind: ServerKind) => BenchSettings {
  const otpSecretHex = randomBytes(32).toString('hex')
  const jwtPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const run = randomBytes(4).toString('hex')
  return (kind) => ({ redisUrl, databaseUrl, otpSecretHex, jwtPrivateKeyPem, msg91BaseUrl, redisKeyPrefix: `bench:${run}:${kind}:`, logLevel: 'warn' })
}

/**
 * Valid Indian mobiles (+9198…), scattered over the guard's prefixes as real traffic
 * is: stepping by a number coprime with 10^8 visits every 8-digit tail once, so no
 * number comes twice in a run and no phone's limits are ever met.
 */
function phoneSequence(): () => string {
  const stride = 48_271_269
  let next = randomInt(1e8)
  return () => {
    next = (next + stride) % 1e8
    return `+9198${String(next).padStart(8, '0')}`
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}\n\n${usage}`
  if (error instanceof SetupError) return error.message
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

function fail(error: unknown): void {
  if (stopping()) return
  process.stderr.write(`bench: ${describeFailure(error)}\n`)
  void cleanup().finally(() => process.exit(1))
}

// A stray error must not end the process before the servers are stopped: redis-server
// and postgres would outlive it.
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)
// Exit explicitly once everything is stopped: a forgotten handle must not keep a
// finished benchmark running.
main().then(() => cleanup().then(() => process.exit(0)), fail)
