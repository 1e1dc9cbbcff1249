import type { Database } from '../../src/db/client.ts'
import type { PrismaClient } from '../../src/generated/prisma/client.ts'

/**
 * Whether a raw statement is the audit writer's batch: it flushes on a timer, whatever
 * the request being watched did, and writing the trail says nothing about an account.
 */
export function isAuditBatch(args: readonly unknown[]): boolean {
  const query = args[0] as readonly string[] | undefined
  return Array.isArray(query) && /^\s*INSERT INTO auth_events\b/.test(query[0] ?? '')
}

/**
 * The database client, recording every value a query or a user/session call carried
 * (one entry per call; audit batches are not recorded).
 */
export function recordingPrisma(prisma: PrismaClient, values: string[]): PrismaClient {
  const record = (args: unknown[]) => values.push(JSON.stringify(args, (_key, value) => (typeof value === 'bigint' ? String(value) : value)))
  const wrap = (target: object): object =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver)
        if (property === 'user' || property === 'session') return wrap(value)
        if (typeof value !== 'function') return value
        // A transaction is recorded by name only: its statements run on its own client.
        if (property === '$transaction') return (...args: unknown[]) => (values.push('$transaction'), value.apply(object, args))
        if (typeof property === 'string' && property.startsWith('$')) {
          return (...args: unknown[]) => (isAuditBatch(args) || record(args), value.apply(object, args))
        }
        return typeof property === 'string' && ['findUnique', 'findFirst', 'findMany', 'count'].includes(property)
          ? (...args: unknown[]) => (record(args), value.apply(object, args))
          : value.bind(object)
      },
    })
  return wrap(prisma) as PrismaClient
}

/** The database with both ways in recorded: Prisma's client and the sign-in's hot query. */
export function recordingDatabase(database: Database, values: string[]): Database {
  const hotQuery: Database['hotQuery'] = (statement) => {
    values.push(JSON.stringify(['hotQuery', statement.text, statement.values]))
    return database.hotQuery(statement)
  }
  return { ...database, prisma: recordingPrisma(database.prisma, values), hotQuery }
}
