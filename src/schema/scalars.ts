import { GraphQLError, Kind } from 'graphql'
import { builder } from './builder.ts'

builder.scalarType('DateTime', {
  description: 'An ISO-8601 instant with time zone, e.g. 2026-11-25T17:00:00.000Z',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => parseInstant(value),
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : undefined),
})

function parseInstant(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string')
  return date
}
