import { execFileSync, spawn } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findOnPath, freePort, lastLines, redisAnswers, runAs, stopChild, waitFor } from './proc.ts'

/**
 * The stores the benchmark runs against: the URLs it was given, or a throw-away
 * redis-server and PostgreSQL cluster on free 127.0.0.1 ports in one temp dir.
 */

export interface Stores {
  redisUrl: string
  databaseUrl: string
  /** Which ones this process started (and will stop). */
  started: string[]
}

export class SetupError extends Error {}

/** Registers every stop in `onStop` as soon as it exists, so Ctrl-C mid-start cleans up too. */
export async function startStores(given: { redisUrl?: string; databaseUrl?: string }, onStop: (stop: () => Promise<void>) => void): Promise<Stores> {
  const missing = [
    ...(given.redisUrl ? [] : ['redis-server']),
    ...(given.databaseUrl ? [] : ['initdb', 'pg_ctl', 'postgres']),
  ].filter((binary) => !findOnPath(binary))
  if (missing.length > 0) {
    throw new SetupError(`cannot start the stores: ${missing.join(', ')} not found on PATH; install them or set REDIS_URL and DATABASE_URL`)
  }
  const started: string[] = []
  let { redisUrl, databaseUrl } = given
  if (!redisUrl) {
    redisUrl = await startRedis(tempDir('redis', onStop), onStop)
    started.push('redis-server')
  }
  if (!databaseUrl) {
    databaseUrl = await startPostgres(tempDir('postgres', onStop), onStop)
    started.push('postgres')
  }
  return { redisUrl, databaseUrl, started }
}

/** One temp dir per server: a mkdtemp dir is private to its owner, and postgres runs as another user. */
function tempDir(name: string, onStop: (stop: () => Promise<void>) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), `phone-auth-bench-${name}-`))
  onStop(async () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function startRedis(dir: string, onStop: (stop: () => Promise<void>) => void): Promise<string> {
  const port = await freePort()
  const log = path.join(dir, 'redis.log')
  // No persistence: the data is thrown away, and a background save would steal CPU.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', log]
  const child = spawn(findOnPath('redis-server')!, args, { stdio: 'ignore' })
  child.on('error', (error) => process.stderr.write(`bench: redis-server: ${error.message}\n`))
  onStop(() => stopChild(child))
  try {
    await waitFor(() => redisAnswers(port), 10_000, child)
  } catch (error) {
    throw new SetupError(`cannot start redis-server: ${(error as Error).message}\n${lastLines(log, 5)}`)
  }
  return `redis://127.0.0.1:${port}`
}

async function startPostgres(dir: string, onStop: (stop: () => Promise<void>) => void): Promise<string> {
  const port = await freePort()
  const data = path.join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  // initdb refuses to run as root; then the cluster belongs to the `postgres` user.
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])))
  const run = (args: string[]) => runAs(asRoot, args)
  try {
    run(['initdb', '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
  } catch (error) {
    throw new SetupError(`cannot start postgres: ${(error as Error).message}`)
  }
  // fsync and synchronous commit off, as in the tests: the cluster is deleted afterwards,
  // and on a shared disk commit latency would swamp what this benchmark compares.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  // pg_ctl may fail when a terminal Ctrl-C already stopped the postmaster; that is fine.
  onStop(async () => {
    try {
      run(['pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'])
    } catch {
      // already stopped
    }
  })
  try {
    // -w returns once the server answers connections.
    run(['pg_ctl', '-D', data, '-l', path.join(dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '30', 'start'])
  } catch (error) {
    throw new SetupError(`cannot start postgres: ${(error as Error).message}\n${lastLines(path.join(dir, 'postgres.log'), 5)}`)
  }
  return `postgresql://postgres@127.0.0.1:${port}/postgres`
}
