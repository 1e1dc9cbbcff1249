import type { PrismaClient } from '../../src/generated/prisma/client.ts'

/**
 * The database client, recording every value a query or a user/session call carried
 * (one entry per call; audit batches go through other delegates and are not recorded).
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
          return (...args: unknown[]) => (record(args), value.apply(object, args))
        }
        return typeof property === 'string' && ['findUnique', 'findFirst', 'findMany', 'count'].includes(property)
          ? (...args: unknown[]) => (record(args), value.apply(object, args))
          : value.bind(object)
      },
    })
  return wrap(prisma) as PrismaClient
}
