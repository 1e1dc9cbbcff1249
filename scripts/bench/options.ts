import { parseArgs } from 'node:util'

export interface BenchOptions {
  concurrency: number
  seconds: number
  warmupSeconds: number
  json: boolean
  help: boolean
}

export const usage = `usage: npm run bench -- [--concurrency N] [--seconds S] [--warmup S] [--json]

Login flows per second through the GraphQL service and through a bare node:http
"floor" doing the same Redis, PostgreSQL and token work, and the ratio of the two.

  --concurrency N  flows in flight at once (default 32)
  --seconds S      measured seconds per server (default 10)
  --warmup S       unmeasured seconds before that (default 2)
  --json           print the results as JSON instead of a table

Starts its own redis-server and PostgreSQL on free 127.0.0.1 ports in a temp dir,
unless REDIS_URL / DATABASE_URL are set. A DATABASE_URL gets the schema migrated and
keeps the users, sessions and audit events the run creates: point it at a throw-away
database. On a REDIS_URL the run's keys live under "bench:<run id>:" and expire
within an hour.

Profile with: node --cpu-prof --import tsx scripts/bench.ts (one .cpuprofile per thread).
`

export class UsageError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        concurrency: { type: 'string', default: '32' },
        seconds: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '2' },
        json: { type: 'boolean', default: false },
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
    json: parsed.json,
    help: parsed.help,
  }
}

function number(flag: string, text: string, min: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${text}"`)
  return value
}
