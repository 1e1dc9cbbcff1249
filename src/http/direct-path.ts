import type { IncomingMessage, ServerResponse } from 'node:http'
import { execute, getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql'
import type { Deps } from './deps.ts'
import type { DocumentCache } from './document-cache.ts'
import type { TrustedDocuments } from './trusted-documents.ts'
import { maxBodyBytes } from './body-limit.ts'
import { buildRequestContext, nodeHeaders } from './request-context.ts'
import { trustedDocumentId } from './trusted-documents.ts'
import { regularMediaType, writeResult, writeResultWithErrors, type RegularMediaType } from './direct-answer.ts'
import { rootFields } from '../observability/metrics-plugin.ts'

/**
 * The direct path: the request real clients repeat all day — a JSON POST of a document
 * this server has already parsed and validated (the document cache's, or the trusted
 * manifest's) — is executed straight on graphql-js. Going through Yoga builds Fetch
 * Request and Response objects and runs every envelop hook for it: measured, about a
 * third of the CPU of a `me` and a fifth of a sign-in.
 *
 * Anything else goes to Yoga, which answers it as it always has: other methods and
 * paths, browser requests (CORS, cors.ts), bodies without a declared length or over the
 * limit, a document seen for the first times, unknown body members, variables that do
 * not fit (nothing has run then: graphql-js stops before any resolver). A result is
 * answered as Yoga answers it (direct-answer.ts); test/http/direct-path.test.ts sends
 * the same requests both ways and compares the answers.
 */

export type KnownDocuments = { kind: 'cache'; cache: DocumentCache<DocumentNode> } | { kind: 'trusted'; documents: TrustedDocuments }

export interface DirectPathOptions {
  schema: GraphQLSchema
  deps: Deps
  documents: KnownDocuments
  /** Yoga, for a request whose body has been read but does not qualify. */
  handOver(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>
}

interface GraphqlParams {
  query?: string
  variables?: Record<string, unknown> | null
  operationName?: string | null
  extensions?: Record<string, unknown> | null
  documentId?: string
}

/** Returns a listener that takes a qualifying request and answers false for any other (left unread for Yoga). */
export function createDirectPath(options: DirectPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { logger } = options.deps
  return (req, res) => {
    const mediaType = qualifyingMediaType(req)
    if (!mediaType) return false
    runDirect(options, req, res, mediaType).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed')
      if (res.headersSent) res.destroy()
      else writeUnexpectedError(res)
    })
    return true
  }
}

/** From the headers alone: a request Yoga would answer with its regular JSON processor. */
function qualifyingMediaType(req: IncomingMessage): RegularMediaType | undefined {
  if (req.method !== 'POST' || req.url !== '/graphql') return undefined
  const headers = req.headers
  if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return undefined
  const declaredBytes = Number(headers['content-length'])
  if (!(declaredBytes > 0 && declaredBytes <= maxBodyBytes)) return undefined
  if (headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== 'application/json') return undefined
  return regularMediaType(headers.accept)
}

async function runDirect(options: DirectPathOptions, req: IncomingMessage, res: ServerResponse, mediaType: RegularMediaType): Promise<void> {
  const { schema, deps } = options
  const body = await readBody(req)
  if (!body) return void res.destroy()
  const params = readParams(body)
  const document = params && knownDocument(options.documents, params)
  const operationName = params?.operationName ?? undefined
  const operation = document && getOperationAST(document, operationName)
  if (!params || !document || !operation || operation.operation === 'subscription') return options.handOver(req, res, body)

  const startedMs = performance.now()
  const contextValue = buildRequestContext(deps, nodeHeaders(req), req)
  const result = await execute({ schema, document, operationName, variableValues: params.variables ?? undefined, contextValue })
  // No `data`: the variables did not fit and no resolver ran, so Yoga may answer it afresh.
  if (!('data' in result)) return options.handOver(req, res, body)
  const failed = (result.errors?.length ?? 0) > 0
  deps.metrics.observeRequest(rootFields(document, operationName), (performance.now() - startedMs) / 1000, failed)
  if (failed) await writeResultWithErrors(res, result, mediaType, deps.logger)
  else writeResult(res, result, mediaType)
}

function knownDocument(known: KnownDocuments, params: GraphqlParams): DocumentNode | undefined {
  if (known.kind === 'trusted') {
    // As useTrustedDocuments: the id picks the document, a `query` beside it is ignored.
    const id = trustedDocumentId(params.documentId, params.extensions)
    return id === undefined ? undefined : known.documents.get(id)
  }
  if (params.documentId !== undefined || typeof params.query !== 'string') return undefined
  return known.cache.get(params.query)
}

/** The whole body (its length was declared and checked), or null when the client went away. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', () => resolve(null))
    req.once('close', () => {
      if (!req.complete) resolve(null)
    })
  })
}

const paramNames = new Set(['query', 'variables', 'operationName', 'extensions', 'documentId'])

/** The body's parameters when each is of the kind Yoga takes; anything else is Yoga's to refuse. */
function readParams(body: Buffer): GraphqlParams | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
  if (!isPlainObject(parsed)) return undefined
  for (const name in parsed) if (!paramNames.has(name)) return undefined
  const { query, variables, operationName, extensions, documentId } = parsed
  if (query !== undefined && typeof query !== 'string') return undefined
  if (operationName != null && typeof operationName !== 'string') return undefined
  if (documentId !== undefined && typeof documentId !== 'string') return undefined
  if ((variables != null && !isPlainObject(variables)) || (extensions != null && !isPlainObject(extensions))) return undefined
  return parsed as GraphqlParams
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What Yoga answers when its own pipeline fails: a masked 500. */
function writeUnexpectedError(res: ServerResponse): void {
  const body = JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), vary: 'Origin' })
  res.end(body)
}
