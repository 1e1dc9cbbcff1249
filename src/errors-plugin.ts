import { GraphQLError } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { ServiceUnavailableError } from './auth/errors.ts'
import { currentRequestId } from './request-scope.ts'

/**
 * Turns a failure into what the client may see. GraphQL's own errors pass through; an
 * outage becomes SERVICE_UNAVAILABLE (retryable, nothing half-done); everything else
 * is masked as INTERNAL_SERVER_ERROR with no detail (the log keeps the detail).
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error
  const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}
  if (original instanceof ServiceUnavailableError) {
    return new GraphQLError('The service is briefly unavailable; please retry.', {
      ...located,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    })
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
    return original instanceof GraphQLError ? original : error
  }
  return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } })
}

interface ResultWithErrors {
  errors?: readonly { extensions?: Record<string, unknown> }[]
}

/** Adds the request id to every error of an answer, so support can find the log line. */
export function useRequestIds(): Plugin {
  return {
    onResultProcess({ result }) {
      const requestId = currentRequestId()
      if (!requestId) return
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of (single as ResultWithErrors).errors ?? []) {
          ;(error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, requestId }
        }
      }
    },
    onResponse({ response }) {
      const requestId = currentRequestId()
      if (requestId && !response.headers.has('x-request-id')) response.headers.set('x-request-id', requestId)
    },
  }
}
