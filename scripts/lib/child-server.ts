import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Runs one server binary as a direct child of this process, in its own folder, for
 * scripts/lib/local-servers.ts: stopping it is a signal, and an exit hook ends whatever a
 * caller left running (Ctrl-C mid-start in the bench, a forgotten stop()).
 */

export interface ServerHandle {
  port: number
  url: string
  /** Its data, socket and log (<name>.log). */
  dir: string
  /** Ends it at once with the kill signal; keeps the folder. */
  kill(): Promise<void>
  /** Starts it again on the same port and folder; resolves once it answers. */
  restart(): Promise<void>
  /** Stops it for good and removes its folder, unless the caller gave the folder. */
  stop(): Promise<void>
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung server). */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

export interface Kind {
  name: string
  stopSignal: NodeJS.Signals
  killSignal: NodeJS.Signals
}

export interface Launch {
  binary: string
  args: string[]
  user: { uid?: number; gid?: number }
  answers: () => Promise<boolean>
  url: string
}

const live = new Map<ChildProcess, NodeJS.Signals>()
const ownDirs = new Set<string>()
process.once('exit', () => {
  for (const [child, signal] of live) child.kill(signal)
  for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true })
})

/** `prepare` fills the folder (e.g. initdb) and says how to launch; a failure removes the folder. */
export async function serve(kind: Kind, given: { port?: number; dir?: string }, prepare: (dir: string, port: number) => Promise<Launch>): Promise<ServerHandle> {
  const dir = given.dir ?? mkdtempSync(path.join(tmpdir(), `phone-auth-${kind.name}-`))
  if (!given.dir) ownDirs.add(dir)
  const removeDir = () => {
    if (given.dir) return
    rmSync(dir, { recursive: true, force: true })
    ownDirs.delete(dir)
  }
  try {
    const port = given.port ?? (await freePort())
    const launch = await prepare(dir, port)
    const start = () => launchChild(kind, launch, dir)
    let child = await start()
    const kill = () => endChild(child, kind.killSignal)
    return {
      port,
      url: launch.url,
      dir,
      kill,
      restart: async () => {
        await kill()
        child = await start()
      },
      stop: () => endChild(child, kind.stopSignal).finally(removeDir),
      pause: () => void child.kill('SIGSTOP'),
      resume: () => void child.kill('SIGCONT'),
    }
  } catch (error) {
    removeDir()
    throw error
  }
}

/** Resolves once the server answers. Its output goes to a file, so a long run fills no pipe. */
async function launchChild(kind: Kind, launch: Launch, dir: string): Promise<ChildProcess> {
  const log = path.join(dir, `${kind.name}.log`)
  const fd = openSync(log, 'a')
  const child = spawn(launch.binary, launch.args, { ...launch.user, cwd: dir, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  live.set(child, kind.killSignal)
  child.once('exit', () => live.delete(child))
  let problem = ''
  child.once('error', (error) => void (problem = `could not be spawned: ${error.message}`))
  const deadline = Date.now() + 30_000
  while (!problem && Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) problem = `exited early with ${child.exitCode ?? child.signalCode}`
    else if (await launch.answers()) return child
    else await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await endChild(child, kind.killSignal)
  throw new Error(`${path.basename(launch.binary)} ${problem || 'did not answer within 30 s'}\n${lastLines(log, 10)}`)
}

/** `signal`, plus SIGCONT so a paused server acts on it; SIGKILL after 10 s. Resolves once the child is gone. */
async function endChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  child.kill('SIGCONT')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The absolute path of `binary` on PATH, if any. */
export function which(binary: string): string | undefined {
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

function lastLines(file: string, count: number): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n')
  } catch {
    return ''
  }
}
