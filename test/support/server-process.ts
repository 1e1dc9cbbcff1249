import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/lib/local-servers.ts'

export { freePort }

/**
 * Runs the real service as a child process, the way `npm start` does (`node
 * build/main.mjs`, compiled once by the global setup), so end-to-end tests talk to it over HTTP on
 * 127.0.0.1 exactly like a client. The child gets a minimal environment (PATH, HOME and
 * what the test passes), never the developer's variables such as DATABASE_URL.
 */

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))
const mainModule = path.join(projectRoot, 'build', 'main.mjs')

export interface StartServerOptions {
  /** Variables on top of PATH and HOME. PORT, HOST and DATA_DIR are filled in unless given. */
  env?: Record<string, string>
  /** Working directory of the child; the project root by default (see defaultCwd). */
  cwd?: string
  /** How long to wait for GET /healthz to answer 200. */
  startTimeoutMs?: number
}

export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string
  port: number
  pid: number
  /** The DATA_DIR the child runs with. */
  dataDir: string
  /** Everything the child wrote to stdout and stderr so far, in arrival order. */
  logs(): string
  /**
   * Resolves with the first match in the logs (already written or still to come),
   * looking only at what was written from character `fromIndex` on (a `logs().length`).
   */
  waitForLog(pattern: RegExp, timeoutMs?: number, fromIndex?: number): Promise<RegExpMatchArray>
  /** Sends `signal` (SIGTERM by default), SIGKILLs after a grace period; answers the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
  /** Settles when the child has exited, whoever stopped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface ExitedProcess {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
}

/** Every child still alive, so that nothing outlives the test worker. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export function makeTempDir(prefix = 'phone-auth-e2e-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * The service reads `.env` from its working directory. A developer's `.env` in the
 * project root would leak settings into the child, so then it runs from an empty folder.
 */
function defaultCwd(): { cwd: string; temporary: boolean } {
  if (!existsSync(path.join(projectRoot, '.env'))) return { cwd: projectRoot, temporary: false }
  return { cwd: makeTempDir('phone-auth-cwd-'), temporary: true }
}

function minimalEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME
  return { ...env, ...extra }
}

interface Spawned {
  child: ChildProcess
  logs(): string
  onOutput(listener: () => void): () => void
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function spawnService(env: Record<string, string>, cwd: string): Spawned {
  const child = spawn(process.execPath, [mainModule], { cwd, env: minimalEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let output = ''
  const listeners = new Set<() => void>()
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    for (const listener of listeners) listener()
  }
  child.stdout!.on('data', append)
  child.stderr!.on('data', append)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      output += `\n[server-process] spawn failed: ${error.message}\n`
    })
    // 'close' comes after both pipes are drained, so logs() is complete by then.
    child.once('close', (code, signal) => {
      running.delete(child)
      for (const listener of listeners) listener()
      resolve({ code, signal })
    })
  })
  return {
    child,
    logs: () => output,
    onOutput(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    exited,
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/**
 * Starts the service on a free port of 127.0.0.1 and waits until GET /healthz answers
 * 200. A fresh temporary DATA_DIR is used (and removed on stop) unless env.DATA_DIR is
 * given. Rejects, after killing the child, when it exits or does not become healthy.
 */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const attempts = options.env?.PORT ? 1 : 3
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options)
    } catch (error) {
      // Another process may take the port between freePort() and the child's listen().
      if (attempt >= attempts || !/EADDRINUSE/.test((error as Error).message)) throw error
    }
  }
}

async function startOnce(options: StartServerOptions): Promise<ServerProcess> {
  const ownDataDir = options.env?.DATA_DIR === undefined ? makeTempDir('phone-auth-data-') : undefined
  const dataDir = options.env?.DATA_DIR ?? ownDataDir!
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort()
  const { cwd, temporary } = options.cwd ? { cwd: options.cwd, temporary: false } : defaultCwd()
  const cleanUp = () => {
    if (ownDataDir) removeDir(ownDataDir)
    if (temporary) removeDir(cwd)
  }
  const spawned = spawnService({ HOST: '127.0.0.1', ...options.env, PORT: String(port), DATA_DIR: dataDir }, cwd)
  const { child } = spawned
  const baseUrl = `http://127.0.0.1:${port}`

  let stopping: Promise<number | null> | undefined
  const stop = (signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal)
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        await spawned.exited.finally(() => clearTimeout(timer))
      }
      const { code } = await spawned.exited
      cleanUp()
      return code
    })()
    return stopping
  }

  try {
    await waitUntilHealthy(baseUrl, spawned, options.startTimeoutMs ?? 30_000)
  } catch (error) {
    await stop('SIGKILL')
    throw new Error(`${(error as Error).message}\n--- server output ---\n${tail(spawned.logs())}`)
  }

  return {
    baseUrl,
    port,
    pid: child.pid!,
    dataDir,
    logs: spawned.logs,
    waitForLog: (pattern, timeoutMs = 5_000, fromIndex = 0) => waitForOutput(spawned, pattern, timeoutMs, fromIndex),
    stop,
    exited: spawned.exited,
  }
}

async function waitUntilHealthy(baseUrl: string, spawned: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  void spawned.exited.then(() => (exited = true))
  while (Date.now() < deadline) {
    if (exited) {
      const { code, signal } = await spawned.exited
      throw new Error(`the server exited before it was healthy (code ${code}, signal ${signal})`)
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) })
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`GET ${baseUrl}/healthz did not answer 200 within ${timeoutMs} ms`)
}

function waitForOutput(spawned: Spawned, pattern: RegExp, timeoutMs: number, fromIndex: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (outcome: () => void) => {
      if (done) return
      done = true
      clearTimeout(timer)
      unsubscribe()
      outcome()
    }
    const check = () => {
      const match = spawned.logs().slice(fromIndex).match(pattern)
      if (match) return finish(() => resolve(match))
      if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) {
        finish(() => reject(new Error(`the server exited without logging ${pattern}\n${tail(spawned.logs())}`)))
      }
    }
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no log line matched ${pattern} within ${timeoutMs} ms\n${tail(spawned.logs())}`))),
      timeoutMs,
    )
    const unsubscribe = spawned.onOutput(check)
    check()
  })
}

/**
 * Runs the service expecting it to refuse to start: answers its exit code and output.
 * A child still running after timeoutMs is killed (and reported with signal SIGKILL).
 * A fresh temporary DATA_DIR is used unless env.DATA_DIR is given.
 */
export async function runServerUntilExit(options: StartServerOptions & { timeoutMs?: number } = {}): Promise<ExitedProcess> {
  const ownDataDir = options.env?.DATA_DIR === undefined ? makeTempDir('phone-auth-data-') : undefined
  const { cwd, temporary } = options.cwd ? { cwd: options.cwd, temporary: false } : defaultCwd()
  const port = options.env?.PORT ?? String(await freePort())
  const spawned = spawnService({ HOST: '127.0.0.1', DATA_DIR: ownDataDir ?? '', ...options.env, PORT: port }, cwd)
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
  try {
    const { code, signal } = await spawned.exited
    return { code, signal, output: spawned.logs() }
  } finally {
    clearTimeout(timer)
    if (ownDataDir) removeDir(ownDataDir)
    if (temporary) removeDir(cwd)
  }
}
