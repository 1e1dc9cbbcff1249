import { GraphQLError } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { ServiceUnavailableError } from '../common/errors.ts'
import type { Logger } from '../observability/logger.ts'
import { badRequest } from './bad-request.ts'
import { currentRequestId } from '../observability/request-scope.ts'

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
    return error
  }
  return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } })
}

interface ResultWithErrors {
  errors?: readonly { extensions?: Record<string, unknown>; path?: unknown }[]
}

/**
 * Adds the request id to every error of an answer, so support can find the log line, and
 * writes that line: one per answer with errors, naming their codes. (Masked failures are
 * also logged with their detail by Yoga.)
 * Parser internals (`originalError`, which quotes the raw body back) are hidden from
 * the JSON but kept readable, because Yoga chooses the 4xx status from them.
 */
export function useRequestIds(logger: Pick<Logger, 'info'>): Plugin {
  return {
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) decorateErrors(single as ResultWithErrors, logger)
    },
    onResponse({ response }) {
      const requestId = currentRequestId()
      if (requestId && !response.headers.has('x-request-id')) response.headers.set('x-request-id', requestId)
    },
  }
}

/** What useRequestIds does to the errors of one answer (also used by the direct path). */
export function decorateErrors(result: ResultWithErrors, logger: Pick<Logger, 'info'>): void {
  const requestId = currentRequestId()
  const codes: unknown[] = []
  for (const error of result.errors ?? []) {
    const extensions: Record<string, unknown> = { ...error.extensions }
    if (requestId) extensions.requestId = requestId
    // graphql-js leaves variable coercion errors (wrong type, null, missing) without
    // a code; they are the client's input, so they get the standard one.
    if (extensions.code === undefined && !error.path) extensions.code = 'BAD_USER_INPUT'
    // A body over the limit is a malformed request like any other (status stays 413).
    if (extensions.code === 'REQUEST_ENTITY_TOO_LARGE') extensions.code = 'BAD_REQUEST'
    markDocumentCannotRun(extensions)
    if ('originalError' in extensions) {
      Object.defineProperty(extensions, 'originalError', { value: extensions.originalError, enumerable: false })
    }
    ;(error as { extensions: Record<string, unknown> }).extensions = extensions
    codes.push(extensions.code ?? 'UNKNOWN')
  }
  if (codes.length > 0) logger.info({ errorCodes: codes }, 'answered with GraphQL errors')
}

/**
 * A well-formed request whose document cannot run (a variable of the wrong type, an
 * operationName that names nothing) follows GraphQL over HTTP as parse and validation
 * errors do: 400 to `application/graphql-response+json` clients, 200 with `errors` to
 * `application/json` ones (Yoga reads `http.spec` that way and never prints `http`).
 */
const documentCannotRunCodes = new Set(['BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE'])

function markDocumentCannotRun(extensions: Record<string, unknown>): void {
  if (!documentCannotRunCodes.has(extensions.code as string)) return
  const http = (extensions.http as Record<string, unknown> | undefined) ?? {}
  extensions.http = { ...http, spec: true, status: 400 }
}

/**
 * A request without a query is a client error whatever the Accept header says
 * (config.md); Yoga would answer it with 200 to plain `application/json` clients.
 */
export function useMissingQueryIs400(): Plugin {
  return {
    onParams({ params }) {
      if (typeof params.query !== 'string' || params.query.trim() === '') {
        throw badRequest('Must provide query string.')
      }
    },
  }
}
