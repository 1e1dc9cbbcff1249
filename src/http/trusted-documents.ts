import { createHash } from 'node:crypto'
import { NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql'
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations'
import type { GraphQLParams, Plugin } from 'graphql-yoga'
import { documentIdOf } from './request-parsing.ts'

/**
 * Trusted documents (TRUSTED_DOCUMENTS): the server runs only the operations of the
 * app's persisted-documents manifest, as GraphQL Code Generator's client preset writes
 * it (`{"<sha256 hex>": "<document>"}`). Every query-shaped attack — aliases, depth,
 * fuzzing, introspection — is shut out, and parsing and validation happen once, here,
 * at start-up. Nothing registers documents at run time.
 */
export type TrustedDocuments = ReadonlyMap<string, DocumentNode>

export class TrustedDocumentsError extends Error {}

/** Reads and checks a manifest: each entry must be its own SHA-256 and run on this schema. */
export function parseTrustedDocuments(manifestJson: string, schema: GraphQLSchema): TrustedDocuments {
  let manifest: unknown
  try {
    manifest = JSON.parse(manifestJson)
  } catch {
    throw new TrustedDocumentsError('TRUSTED_DOCUMENTS: the manifest is not valid JSON')
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new TrustedDocumentsError('TRUSTED_DOCUMENTS: the manifest must be an object of "<sha256 hex>": "<document>"')
  }
  const documents = new Map<string, DocumentNode>()
  const problems: string[] = []
  for (const [id, text] of Object.entries(manifest)) {
    const problem = checkEntry(id, text, schema, documents)
    if (problem) problems.push(`${id.slice(0, 80)}: ${problem}`)
  }
  if (problems.length > 0) throw new TrustedDocumentsError(`TRUSTED_DOCUMENTS:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  if (documents.size === 0) throw new TrustedDocumentsError('TRUSTED_DOCUMENTS: the manifest holds no documents')
  return documents
}

function checkEntry(id: string, text: unknown, schema: GraphQLSchema, into: Map<string, DocumentNode>): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(id)) return 'the key is not a lowercase SHA-256 hex digest'
  if (typeof text !== 'string') return 'the document is not a string'
  // A key that is not the hash of its text would let a client's hash pick another document.
  if (createHash('sha256').update(text).digest('hex') !== id) return 'the key is not the SHA-256 of the document'
  let document: DocumentNode
  try {
    document = parse(text)
  } catch (error) {
    return `does not parse (${(error as Error).message})`
  }
  const errors = validate(schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule])
  if (errors.length > 0) return `does not validate (${errors.map((e) => e.message).join('; ')})`
  into.set(id, document)
  return undefined
}

/**
 * The id a request names: `documentId` (hex, or `sha256:<hex>`, from the GraphQL over
 * HTTP persisted-documents proposal) or Apollo's `extensions.persistedQuery.sha256Hash`.
 */
function requestedId(request: Request, params: GraphQLParams): string | undefined {
  return trustedDocumentId(documentIdOf(request), params.extensions)
}

/** The manifest key a request's `documentId` or `extensions` name (shared with the direct path). */
export function trustedDocumentId(documentId: string | undefined, extensions: unknown): string | undefined {
  if (documentId !== undefined) return documentId.replace(/^sha256:/i, '').toLowerCase()
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery
  if (persisted?.version === 1 && typeof persisted.sha256Hash === 'string') return persisted.sha256Hash.toLowerCase()
  return undefined
}

const refusal = (code: string, message: string, status: number) => ({ message, extensions: { code, http: { status } } })

export function useTrustedDocuments(documents: TrustedDocuments): Plugin[] {
  return [
    {
      // An id picks the manifest's document; a `query` sent beside it is dropped, so
      // the text a client sends is never what runs.
      onParams({ request, params, setParams }) {
        if (params.query !== undefined && requestedId(request, params) !== undefined) setParams({ ...params, query: undefined })
      },
    },
    usePersistedOperations({
      allowArbitraryOperations: false,
      extractPersistedOperationId: (params, request) => requestedId(request, params) ?? null,
      getPersistedOperation: (id) => documents.get(id) ?? null,
      // Validated against the schema when the manifest was loaded.
      skipDocumentValidation: true,
      customErrors: {
        notFound: refusal('PERSISTED_QUERY_NOT_FOUND', 'This server does not know that document id.', 404),
        persistedQueryOnly: refusal('PERSISTED_QUERY_ONLY', 'This server runs only its trusted documents: send a documentId.', 400),
        keyNotFound: refusal('BAD_REQUEST', 'Send a documentId.', 400),
      },
    }),
  ]
}
