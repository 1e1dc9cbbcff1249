import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

/**
 * Starts a throw-away redis-server and PostgreSQL cluster on free loopback ports when the
 * binaries exist, and tells the tests where they are. Without them tests fall back to the
 * embedded stand-ins, unless PHONE_AUTH_REQUIRE_REAL_SERVICES=1 (CI) makes that an error.
 */

export interface RealServices {
  redisUrl?: string
  /** Superuser URL of the `postgres` database; tests create their own databases from it. */
  postgresUrl?: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    realServices: RealServices
  }
}

type Stop = () => Promise<void>

export default async function setup(project: TestProject): Promise<Stop> {
  const required = process.env.PHONE_AUTH_REQUIRE_REAL_SERVICES === '1'
  const stops: Stop[] = []
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.warn(`[global-setup] ${error}`))
  }
  try {
    const redis = await startOrExplain('redis', ['redis-server'], startRedis, required)
    if (redis) stops.push(redis.stop)
    const postgres = await startOrExplain('postgres', ['initdb', 'pg_ctl', 'postgres'], startPostgres, required)
    if (postgres) stops.push(postgres.stop)
    project.provide('realServices', { redisUrl: redis?.url, postgresUrl: postgres?.url })
  } catch (error) {
    await teardown()
    throw error
  }
  return teardown
}

interface Started {
  url: string
  stop: Stop
}

async function startOrExplain(
  name: string,
  binaries: string[],
  start: (dir: string) => Promise<Started>,
  required: boolean,
): Promise<Started | undefined> {
  const missing = binaries.filter((b) => !findOnPath(b))
  let problem = missing.length > 0 ? `${missing.join(', ')} not found on PATH` : undefined
  if (!problem) {
    const dir = mkdtempSync(path.join(tmpdir(), `phone-auth-${name}-`))
    try {
      const started = await start(dir)
      return { url: started.url, stop: () => started.stop().finally(() => rmSync(dir, { recursive: true, force: true })) }
    } catch (error) {
      rmSync(dir, { recursive: true, force: true })
      problem = `could not start: ${(error as Error).message}`
    }
  }
  if (required) throw new Error(`PHONE_AUTH_REQUIRE_REAL_SERVICES=1 but real ${name} is unavailable: ${problem}`)
  console.warn(`[global-setup] real ${name} unavailable (${problem}); tests needing it are skipped`)
  return undefined
}

async function startRedis(dir: string): Promise<Started> {
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
  const log = path.join(dir, 'redis.log')
  const child = spawn(findOnPath('redis-server')!, [...args, '--logfile', log], { stdio: 'ignore' })
  child.on('error', (error) => console.warn(`[global-setup] redis-server: ${error.message}`))
  const stop = () => stopChild(child)
  try {
    await waitFor(() => redisAnswers(port), 10_000, child)
  } catch (error) {
    await stop()
    throw new Error(`redis-server ${(error as Error).message}\n${lastLines(log, 5)}`)
  }
  return { url: `redis://127.0.0.1:${port}`, stop }
}

async function startPostgres(dir: string): Promise<Started> {
  const port = await freePort()
  const data = path.join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  // initdb refuses to run as root; then the cluster belongs to the `postgres` user.
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])))
  const run = (args: string[]) => runAs(asRoot, args)
  run(['initdb', '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
  // Durability is pointless for a cluster deleted after the run; speed is not.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  const stop = async () => void run(['pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'])
  try {
    // -w returns once the server answers connections.
    run(['pg_ctl', '-D', data, '-l', path.join(dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '30', 'start'])
  } catch (error) {
    await stop().catch(() => undefined)
    throw new Error(`${(error as Error).message}\n${lastLines(path.join(dir, 'postgres.log'), 5)}`)
  }
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop }
}

function runAs(asRoot: boolean, [binary, ...options]: string[]): void {
  // An absolute path, because su may not hand our PATH on to the postgres user.
  const args = [findOnPath(binary!) ?? binary!, ...options]
  const [command, ...rest] = asRoot ? ['su', 'postgres', '-s', '/bin/sh', '-c', args.map(shellQuote).join(' ')] : args
  try {
    execFileSync(command!, rest, { stdio: 'pipe', timeout: 60_000 })
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim()
    throw new Error(`${binary} failed${stderr ? `: ${stderr}` : ''}`)
  }
}

function lastLines(file: string, count: number): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n')
  } catch {
    return ''
  }
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, binary), constants.X_OK)
      return path.join(dir, binary)
    } catch {
      // not in this folder
    }
  }
  return undefined
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Sends a raw PING, so the setup needs no Redis client. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.setTimeout(1_000, () => socket.destroy())
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'))
      socket.destroy()
    })
    socket.once('close', () => resolve(false))
    socket.once('error', () => resolve(false))
  })
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`exited early with code ${child.exitCode}`)
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`did not answer within ${timeoutMs} ms`)
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
