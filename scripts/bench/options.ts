import { parseArgs } from 'node:util'

export const modeNames = ['signin', 'request', 'me'] as const
export type ModeName = (typeof modeNames)[number]

export interface BenchOptions {
  concurrency: number
  seconds: number
  warmupSeconds: number
  rounds: number
  modes: ModeName[]
  json: boolean
  help: boolean
  /** Accounts seeded before the run (growth: the same sign-in at 10k and at 1M users). */
  users: number
}

export const usage = `usage: npm run bench -- [--mode signin|request|me|all] [--rounds N] [--concurrency N]
                        [--seconds S] [--warmup S] [--users N] [--json]

The GraphQL service against a bare node:http "floor" written directly on pg, ioredis
and jose that does the same unavoidable work (limits, Redis scripts, one sign-in
statement, the MSG91 call, Ed25519 tokens), and the ratio of the two.

  --mode M         signin: requestOtp → read the SMS → verifyOtp → me
                   request: requestOtp alone, a fresh number each time
                   me: me alone, with tokens of a few earlier sign-ins
                   all: the three, one after the other (default)
  --rounds N       rounds per mode; each round measures both servers, in
                   alternating order; medians are reported (default 3)
  --concurrency N  operations in flight at once (default 32)
  --seconds S      measured seconds per server per round (default 10)
  --warmup S       unmeasured seconds per server before the first round (default 2)
  --users N        seed N accounts first, in one statement (default 0): compare a
                   run with --users 10000 and one with --users 1000000
  --json           print the results as JSON instead of tables

Each server runs in a child process of its own (a fresh pair per mode), so its CPU and
peak RSS are its own. Both send their SMS to a fake MSG91 Flow API that the bench runs
on 127.0.0.1, and the load generator reads the codes from it.

Starts its own redis-server and PostgreSQL on free 127.0.0.1 ports in a temp dir,
unless REDIS_URL / DATABASE_URL are set. A DATABASE_URL gets the schema migrated and
keeps the users, sessions, audit events and outbox rows the run creates: point it at a
throw-away database. On a REDIS_URL the run's keys live under "bench:<run id>:" and
expire within a day.

Profile with: node --cpu-prof --import tsx scripts/bench.ts (one .cpuprofile per process).
`

export class UsageError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        mode: { type: 'string', default: 'all' },
        rounds: { type: 'string', default: '3' },
        concurrency: { type: 'string', default: '32' },
        seconds: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '2' },
        json: { type: 'boolean', default: false },
        users: { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  return {
    concurrency: number('--concurrency', parsed.concurrency, 1),
    seconds: number('--seconds', parsed.seconds, 1),
    warmupSeconds: number('--warmup', parsed.warmup, 0),
    rounds: number('--rounds', parsed.rounds, 1),
    modes: modes(parsed.mode),
    json: parsed.json,
    help: parsed.help,
    users: number('--users', parsed.users, 0),
  }
}

function modes(text: string): ModeName[] {
  if (text === 'all') return [...modeNames]
  const mode = modeNames.find((name) => name === text)
  if (!mode) throw new UsageError(`--mode must be one of ${modeNames.join(', ')} or all, not "${text}"`)
  return [mode]
}

function number(flag: string, text: string, min: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${text}"`)
  return value
}
