import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DocumentNode } from 'graphql'
import { createYoga, type YogaServerInstance } from 'graphql-yoga'
import type { RequestContext } from './schema/context.ts'
import type { Deps } from './http/deps.ts'
import { schema } from './schema/index.ts'
import { buildRequestContext, type ServerContext } from './http/request-context.ts'
import { maskError, useMissingQueryIs400, useRequestIds } from './http/error-masking.ts'
import { useHttpRoutes } from './http/routes.ts'
import { useMsg91Reports } from './http/msg91-reports.ts'
import { useGraphqlLimits } from './http/graphql-limits.ts'
import { useOperationMetrics } from './observability/metrics-plugin.ts'
import { newRequestId, runInRequestScope } from './observability/request-scope.ts'
import { createProxyHint } from './net/proxy-hint.ts'
import { useBodyLimit } from './http/body-limit.ts'
import { useCors } from './http/cors.ts'
import { createDocumentCache, useValidDocumentCache } from './http/document-cache.ts'
import { createDirectPath } from './http/direct-path.ts'
import { answerWithYoga } from './http/direct-answer.ts'
import { useSafeRequestParsing } from './http/request-parsing.ts'
import { useTrustedDocuments } from './http/trusted-documents.ts'

export interface App {
  yoga: YogaServerInstance<ServerContext, RequestContext>
  /** node:http listener for the whole service. */
  handle(req: IncomingMessage, res: ServerResponse): void
  /** In-process fetch, as a client would call it; `remoteAddress` stands in for the socket. */
  fetch(url: string, init?: RequestInit, remoteAddress?: string): Promise<Response>
}

export interface AppOptions {
  /**
   * Repeated JSON POSTs of known documents skip Yoga's per-request machinery
   * (src/http/direct-path.ts). Off only to compare the two paths in tests.
   */
  directPath?: boolean
}

/** Builds the service from its dependencies. Opens nothing and reads no environment. */
export function createApp(deps: Deps, options: AppOptions = {}): App {
  const log = deps.logger
  const trusted = deps.trustedDocuments
  const validDocuments = createDocumentCache<DocumentNode>()
  const yoga = createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // One operation per request: batching would let one request carry many tries.
    batching: false,
    // Served from the package, not a CDN, so it works without internet access. Off when
    // only trusted documents run: GraphiQL could not run anything else.
    graphiql: trusted ? false : { title: 'phone-auth', defaultQuery: graphiqlDefaultQuery },
    // GraphiQL's bundle is 9 MB of source and about 80 MB of memory once loaded: it is
    // loaded the first time somebody opens GraphiQL, never by a server nobody browses.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // Our own CORS (src/http/cors.ts): Yoga's reflects any origin by default.
    cors: false,
    // No file uploads in this API: multipart bodies are refused unread.
    multipart: false,
    // A declared Content-Length over the limit is refused unread (useBodyLimit) and a body
    // sent without one (chunked) is counted by our parser (request-parsing.ts). Yoga's
    // own limit pipes EVERY body through a TransformStream: about 90 µs per request.
    maxRequestBodySize: false,
    // Replaced by useValidDocumentCache: only valid documents, bounded by their size.
    parserAndValidationCache: false,
    maskedErrors: { maskError, isDev: false },
    logging: {
      debug: (...args) => log.debug({ yoga: args.map(String) }, 'yoga'),
      info: (...args) => log.info({ yoga: args.map(String) }, 'yoga'),
      warn: (...args) => log.warn({ yoga: args.map(String) }, 'yoga'),
      error: (...args) => log.error({ err: args[0] }, 'request failed'),
    },
    context: ({ request, req }) => buildRequestContext(deps, request.headers, req),
    plugins: [
      // Its own body limit and parsing: MSG91's reports are not GraphQL.
      useMsg91Reports(deps),
      useCors(deps.config.corsOrigins),
      useBodyLimit(),
      useRequestIds(log),
      useSafeRequestParsing(),
      // Trusted documents were parsed and validated at start-up; the document limits
      // guard only what a client may write itself.
      ...(trusted ? useTrustedDocuments(trusted) : [useValidDocumentCache(validDocuments), ...useGraphqlLimits()]),
      useMissingQueryIs400(),
      useHttpRoutes(deps),
      useOperationMetrics(deps.metrics),
    ],
  })
  const direct =
    options.directPath === false
      ? undefined
      : createDirectPath({
          schema,
          deps,
          documents: trusted ? { kind: 'trusted', documents: trusted } : { kind: 'cache', cache: validDocuments },
          handOver: (req, res, body) => answerWithYoga((request) => yoga.fetch(request, { req, res }), req, res, body),
        })
  const noteSocketAddress = createProxyHint(log, deps.config.trustProxy.kind === 'socket')
  return {
    yoga,
    handle(req, res) {
      noteSocketAddress(req.socket.remoteAddress)
      const requestId = newRequestId(req.headers['x-request-id'] as string | undefined)
      res.setHeader('x-request-id', requestId)
      runInRequestScope(requestId, () => {
        if (!direct?.(req, res)) void yoga.requestListener(req, res)
      })
    },
    async fetch(url, init, remoteAddress = '127.0.0.1') {
      noteSocketAddress(remoteAddress)
      const requestId = newRequestId(new Headers(init?.headers).get('x-request-id'))
      const req = { socket: { remoteAddress } } as unknown as IncomingMessage
      const request = new Request(new URL(url, 'http://127.0.0.1'), init)
      return runInRequestScope(requestId, () => yoga.fetch(request, { req }))
    },
  }
}

const graphiqlDefaultQuery = `# Sign in: 1) request a code, 2) copy it from the SMS (or the server log
# in development), 3) verify it.
mutation RequestCode {
  requestOtp(phone: "+919812345678") {
    __typename
    ... on OtpSent { phone expiresInSeconds resendAfterSeconds codeLength }
    ... on Error { code message }
    ... on RateLimitedError { retryAfterSeconds }
  }
}

mutation SignIn {
  verifyOtp(phone: "+919812345678", otp: "000000") {
    __typename
    ... on AuthSession { sessionId accessToken refreshToken expiresInSeconds isNewUser user { id phone } }
    ... on InvalidOtpError { reason attemptsRemaining }
    ... on Error { code message }
  }
}

query Me {
  me { id phone createdAt lastSignInAt }
}
`
