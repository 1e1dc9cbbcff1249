import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from './server-process.ts'

/**
 * A PRIVATE redis-server or PostgreSQL for one test file, on a free port of 127.0.0.1,
 * so a test may kill and restart it without disturbing the shared servers that the
 * global setup started for every other file. Both run as direct children of the test
 * worker (PostgreSQL under the `postgres` user when the worker is root), so stopping them
 * is a signal, and a worker that dies takes them along.
 */

export interface OwnServer {
  port: number
  /** Kills the server at once (SIGKILL for Redis, immediate shutdown for PostgreSQL). */
  kill(): Promise<void>
  /** Starts it again on the same port and data folder; resolves once it answers. */
  restart(): Promise<void>
  /** Stops it for good and removes its folder. */
  close(): Promise<void>
}

export interface OwnRedis extends OwnServer {
  url: string
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung server). */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

export interface OwnPostgres extends OwnServer {
  /** Superuser URL of its `postgres` database. */
  adminUrl: string
  /** Creates an empty database and answers its URL. */
  createDatabase(name: string): Promise<string>
}

const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

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

/** `extraArgs` e.g. ['--maxmemory-policy', 'allkeys-lru']. */
export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const binary = findOnPath('redis-server')
  if (!binary) throw new Error('redis-server not found on PATH')
  const dir = mkdtempSync(path.join(tmpdir(), 'phone-auth-own-redis-'))
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs]
  const launch = () => launchChild(binary, args, {}, () => redisAnswers(port), 'redis-server')
  let child = await launch().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: () => stopChild(child, 'SIGKILL'),
    async restart() {
      await stopChild(child, 'SIGKILL')
      child = await launch()
    },
    async close() {
      await stopChild(child, 'SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const [initdb, postgres] = [findOnPath('initdb'), findOnPath('postgres')]
  if (!initdb || !postgres) throw new Error('initdb or postgres not found on PATH')
  const dir = mkdtempSync(path.join(tmpdir(), 'phone-auth-own-pg-'))
  const data = path.join(dir, 'data')
  // initdb and postgres refuse to run as root; then they run as the `postgres` user.
  const user = process.getuid?.() === 0 ? postgresUser() : {}
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!)
  try {
    execFileSync(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...user, stdio: 'pipe', timeout: 60_000 })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`)
  }
  const port = await freePort()
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`
  // fsync=off is safe here: the tests crash PostgreSQL, never the machine. Commits stay
  // synchronous, so a crash right after a commit (an outage test) loses nothing.
  const settings = ['listen_addresses=127.0.0.1', 'max_connections=100', 'fsync=off', 'full_page_writes=off']
  const args = ['-D', data, '-p', String(port), '-k', dir, ...settings.flatMap((s) => ['-c', s])]
  const launch = () => launchChild(postgres, args, user, () => postgresAnswers(adminUrl), 'postgres')
  let child = await launch().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  // SIGQUIT is PostgreSQL's immediate shutdown (what `pg_ctl stop -m immediate` sends).
  const kill = () => stopChild(child, 'SIGQUIT')
  return {
    port,
    adminUrl,
    kill,
    async restart() {
      await kill()
      child = await launch()
    },
    async close() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`
    },
  }
}

function postgresUser(): { uid?: number; gid?: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
}

async function launchChild(
  binary: string,
  args: string[],
  user: { uid?: number; gid?: number },
  answers: () => Promise<boolean>,
  name: string,
): Promise<ChildProcess> {
  let output = ''
  const child = spawn(binary, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString('utf8')).slice(-4000))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  child.once('error', (error) => void (output += `\nspawn failed: ${error.message}`))
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    if (await answers()) return child
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await stopChild(child, 'SIGKILL')
  throw new Error(`${name} did not start\n${output}`)
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

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

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}
