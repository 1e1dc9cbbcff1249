import SchemaBuilder from '@pothos/core'
import ErrorsPlugin from '@pothos/plugin-errors'
import type { RequestContext } from './context.ts'

export const builder = new SchemaBuilder<{
  Context: RequestContext
  DefaultFieldNullability: false
  Scalars: { DateTime: { Input: Date; Output: Date } }
}>({
  plugins: [ErrorsPlugin],
  defaultFieldNullability: false,
  // No catch-all: only the domain error classes listed on a field become typed results;
  // anything else stays a (masked) GraphQL error and never exposes internal messages.
  errors: { defaultTypes: [] },
})
