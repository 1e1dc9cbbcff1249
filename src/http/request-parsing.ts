import type { GraphQLParams, Plugin } from 'graphql-yoga'
import { badRequest, badRequestResponse } from './bad-request.ts'
import { maxBodyBytes } from './body-limit.ts'
import { readBodyAtMost } from './bounded-body.ts'

/**
 * How a request's GraphQL parameters are read. Yoga's own GET and form parsers call
 * `JSON.parse` on `variables` and `extensions` without a guard, so bad JSON there ends
 * as a 500; its POST JSON parser answers 400. Here every way in answers a malformed
 * request the same way: 4xx with `extensions.code` BAD_REQUEST, whatever the Accept
 * header. Only GET, POST JSON, POST form and POST application/graphql are read; this
 * API takes no file uploads, so multipart bodies are refused unread.
 *
 * The persisted-documents proposal sends a `documentId` parameter, which Yoga would
 * refuse as unknown: it is taken off the parameters here and kept per request for the
 * trusted-documents plugin (`documentIdOf`).
 */

const documentIds = new WeakMap<Request, string>()

/** The `documentId` the request carried (GET parameter or JSON body member), if any. */
export function documentIdOf(request: Request): string | undefined {
  return documentIds.get(request)
}

export function useSafeRequestParsing(): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser, endResponse }) {
      if (request.method === 'GET') {
        setRequestParser(() => readSearchParams(url.searchParams))
      } else if (request.method === 'POST' && contentTypeIs(request, 'application/x-www-form-urlencoded')) {
        // The parser is handed the request to read: Yoga may have wrapped the original.
        setRequestParser(async (body) => readSearchParams(new URLSearchParams(await body.text())))
      } else if (request.method !== 'POST') {
        endResponse(badRequestResponse('GraphQL requests use GET or POST.', 405, { allow: 'GET, POST' }))
        return
      } else if (!requestParser || contentTypeIs(request, 'multipart/form-data')) {
        endResponse(badRequestResponse('Send application/json (or application/graphql).', 415))
        return
      } else if (!request.headers.has('content-length')) {
        // A body without a declared length (chunked) is counted while read: over the limit
        // it is refused. A declared length over it never got here (useBodyLimit).
        setRequestParser(async (body) => readBoundedPost(body, contentTypeIs(request, 'application/graphql')))
      }
      return {
        onRequestParseDone({ requestParserResult, setRequestParserResult }) {
          if (Array.isArray(requestParserResult)) return // batching is off: Yoga refuses it
          const { documentId, ...params } = requestParserResult as GraphQLParams & { documentId?: unknown }
          if (documentId === undefined) return
          if (typeof documentId !== 'string') throw badRequest('documentId must be a string.')
          documentIds.set(request, documentId)
          setRequestParserResult(params)
        },
      }
    },
  }
}

async function readBoundedPost(request: Request, graphqlText: boolean): Promise<GraphQLParams> {
  const text = await readBodyAtMost(request, maxBodyBytes)
  if (text === null) throw badRequest(`The request body is over ${maxBodyBytes} bytes.`, 413)
  if (graphqlText) return { query: text }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest('POST body sent invalid JSON.')
  }
  // As Yoga's own parser: an object (an array is a batch, which Yoga then refuses).
  if (parsed === null || typeof parsed !== 'object') throw badRequest(`POST body is expected to be object but received ${parsed === null ? 'null' : typeof parsed}.`)
  return parsed as GraphQLParams
}

function contentTypeIs(request: Request, expected: string): boolean {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  return type === expected
}

function readSearchParams(search: URLSearchParams): GraphQLParams & { documentId?: string } {
  return {
    query: search.get('query') || undefined,
    operationName: search.get('operationName') || undefined,
    variables: jsonParameter(search, 'variables'),
    extensions: jsonParameter(search, 'extensions'),
    documentId: search.get('documentId') || undefined,
  }
}

function jsonParameter(search: URLSearchParams, name: string): Record<string, unknown> | undefined {
  const text = search.get(name)
  if (!text) return undefined
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    // The text is not echoed: it is the client's own input and may hold a code.
    throw badRequest(`The ${name} parameter is not valid JSON.`)
  }
}
