import { execFile, execFileSync } from 'node:child_process'
import { chownSync } from 'node:fs'
import { connect } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort, serve, which, type Launch, type ServerHandle } from './child-server.ts'

/**
 * Throw-away redis-server and PostgreSQL processes on 127.0.0.1, for the tests and the
 * benchmark (so no vitest here). Each is a direct child of this process, PostgreSQL under
 * the `postgres` user when we are root (initdb and postgres refuse root), never a daemon
 * that could outlive us. Only 127.0.0.1 is bound, whatever the caller passes.
 */

export { freePort, which }

/** A running server: url, kill(), restart() on the same port, stop(). */
export type LocalServer = Omit<ServerHandle, 'pause' | 'resume'>
/** Redis adds pause()/resume() (SIGSTOP/SIGCONT), to play a hung server. */
export type LocalRedis = ServerHandle

export interface StartOptions {
  /** Default: a port that was free a moment ago. */
  port?: number
  /** Default: a fresh temp dir, removed by stop() or when starting fails. */
  dir?: string
}

/** What must be on PATH for startRedis() and startPostgres(). */
export const redisBinaries = ['redis-server']
export const postgresBinaries = ['initdb', 'postgres']

/** `extraArgs` e.g. ['--maxmemory-policy', 'allkeys-lru']; they cannot move the port, bind address or folder. */
export async function startRedis(options: StartOptions & { extraArgs?: string[] } = {}): Promise<LocalRedis> {
  const binary = need('redis-server')
  // SIGTERM is a clean exit; kill() is SIGKILL, a crash.
  return serve({ name: 'redis', stopSignal: 'SIGTERM', killSignal: 'SIGKILL' }, options, async (dir, port) => ({
    binary,
    // No persistence: the data is thrown away, and a background save would steal CPU.
    args: ['--save', '', '--appendonly', 'no', ...(options.extraArgs ?? []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    user: {},
    answers: () => redisAnswers(port),
    url: `redis://127.0.0.1:${port}`,
  }))
}

/**
 * `settings` are `-c` options over the defaults below. synchronous_commit keeps
 * PostgreSQL's default (on) unless a caller gives it: that is each caller's trade-off.
 */
export async function startPostgres(options: StartOptions & { settings?: Record<string, string> } = {}): Promise<LocalServer> {
  const [initdb, binary] = postgresBinaries.map(need) as [string, string]
  const user: Launch['user'] = process.getuid?.() === 0 ? postgresUser() : {}
  // SIGQUIT is PostgreSQL's immediate shutdown (pg_ctl -m immediate); it also ends the
  // backends, which a SIGKILL of the postmaster would leave behind.
  const kind = { name: 'postgres', stopSignal: 'SIGQUIT', killSignal: 'SIGQUIT' } as const
  const { pause: _pause, resume: _resume, ...server } = await serve(kind, options, async (dir, port) => {
    const data = path.join(dir, 'data')
    if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!)
    await promisify(execFile)(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...user, cwd: dir, timeout: 60_000 })
      .catch((error: { stderr?: string }) => Promise.reject(new Error(`initdb failed: ${String(error.stderr ?? error).trim()}`)))
    // fsync and full-page writes only guard against the machine crashing: the cluster is
    // deleted afterwards, and a PostgreSQL crash (what outage tests cause) loses nothing.
    const settings = { max_connections: '100', fsync: 'off', full_page_writes: 'off', ...options.settings, listen_addresses: '127.0.0.1' }
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
    const args = ['-D', data, '-p', String(port), '-k', dir, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])]
    return { binary, args, user, answers: () => postgresAnswers(url), url }
  })
  // SIGSTOP would freeze the postmaster but not its backends, so PostgreSQL has no pause().
  return server
}

function need(binary: string): string {
  const found = which(binary)
  if (!found) throw new Error(`${binary} not found on PATH`)
  return found
}

function postgresUser(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
}

/** Sends a raw PING, so starting Redis needs no client library. */
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
