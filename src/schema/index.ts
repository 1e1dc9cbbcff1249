import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql'
import { builder } from './builder.ts'
import './scalars.ts'
import './errors.ts'
import './user.ts'
import './auth.ts'
import './session.ts'
import './account.ts'
import './phone-change.ts'

builder.queryType({})
builder.mutationType({})

export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true })

/** The SDL clients are written against; printed sorted so diffs stay small. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`
}
