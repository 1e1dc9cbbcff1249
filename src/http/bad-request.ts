import { GraphQLError } from 'graphql'

/** A malformed HTTP request: always a 4xx with `extensions.code` BAD_REQUEST (config.md). */
export function badRequest(message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status } } })
}

/** A 4xx answer outside GraphQL execution, in the same JSON shape as every other error. */
export function badRequestResponse(message: string, status: number, headers: Record<string, string> = {}): Response {
  return Response.json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }, { status, headers })
}
