import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import { openDatabase } from '../src/db/client.ts'
import { createLogger } from '../src/observability/logger.ts'
import { cleanup, cleanupOnSignals, onCleanup } from './bench/cleanup.ts'
import type { BenchSettings } from './bench/deps.ts'
import { parseOptions, usage, UsageError } from './bench/options.ts'
import { compareServers } from './bench/compare.ts'
import { buildResult, formatTable } from './bench/report.ts'
import type { ServerKind } from './bench/server-worker.ts'
import { SetupError, startStores } from './bench/services.ts'

/**
 * `npm run bench`: full login flows over HTTP against the GraphQL service and against
 * a bare node:http floor doing the same store and token work (scripts/bench/floor.ts).
 *
 * Layout, chosen for a fair comparison on a small (2-core) machine: each server runs
 * in its own worker thread of this process, and the load generator on the main thread.
 * A load generator sharing the server's event loop would delay the server's callbacks
 * and charge its own JSON and HTTP parsing to the server; in a thread it takes a core
 * of its own when one is free, and a thread (unlike a child process) lets the SMS
 * codes reach the client by postMessage. Only one server is under load at a time, in
 * alternating slices (scripts/bench/compare.ts), with the same client, concurrency,
 * stores and timings.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (options.help) return void process.stdout.write(usage)
  cleanupOnSignals()
  const stores = await startStores({ redisUrl: process.env.REDIS_URL || undefined, databaseUrl: process.env.DATABASE_URL || undefined }, onCleanup)
  progress(stores.started.length > 0 ? `started ${stores.started.join(' and ')} on 127.0.0.1` : 'using REDIS_URL and DATABASE_URL')
  await migrate(stores.databaseUrl)
  const settingsFor = sharedSettings(stores.redisUrl, stores.databaseUrl)
  const nextPhone = phoneSequence()
  progress(`${options.concurrency} flows in flight; ${options.warmupSeconds} s warm-up and ${options.seconds} s measured per server, in alternating slices`)
  const { service, floor } = await compareServers(settingsFor, options, nextPhone)
  const describe = (given: string | undefined) => (given ? 'given URL' : 'started by the bench')
  const result = buildResult(options, { redis: describe(process.env.REDIS_URL), postgres: describe(process.env.DATABASE_URL) }, service, floor)
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`)
  if (service.flows === 0 || floor.flows === 0) throw new Error('a server completed no login flow; see the errors above')
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
function sharedSettings(redisUrl: string, databaseUrl: string): (kind: ServerKind) => BenchSettings {
  const otpSecretHex = randomBytes(32).toString('hex')
  const jwtPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const run = randomBytes(4).toString('hex')
  return (kind) => ({ redisUrl, databaseUrl, otpSecretHex, jwtPrivateKeyPem, redisKeyPrefix: `bench:${run}:${kind}:` })
}

/** Valid Indian mobiles (+9198…), a new one per flow: no two flows share a phone's limits. */
function phoneSequence(): () => string {
  let next = randomInt(0, 1e8)
  return () => `+9198${String(next++ % 1e8).padStart(8, '0')}`
}

function describeFailure(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}\n\n${usage}`
  if (error instanceof SetupError) return error.message
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

function fail(error: unknown): void {
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
