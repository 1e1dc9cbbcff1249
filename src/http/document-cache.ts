import type { DocumentNode } from 'graphql'
import type { Plugin } from 'graphql-yoga'

/**
 * Parse-and-validate cache for the documents worth keeping. Yoga's own keeps up to
 * 1,024 parsed documents and 1,024 parse errors by their full text, and every
 * validation result (failures included) beside them: bounded by count, not size, so an
 * attacker sending distinct documents buys memory — a 2 kB document holds ≈ 45 kB, and
 * a short invalid one more still, since each validation error keeps its stack and,
 * through it, the request it came from.
 *
 * Here only documents that parsed AND validated, and came at least twice, are kept,
 * each at most `maxDocumentChars` long, within `maxTotalChars` of document text, least
 * recently used out. A hit skips both parsing and validation (the rules are fixed per server). A
 * document that fails is refused again at the cost of checking it; the token limit
 * bounds that cost. The service's clients send a handful of small documents, which all
 * fit many times over.
 */

export interface DocumentCacheOptions {
  /** Sum of the lengths of the cached documents' text (UTF-16 code units). */
  maxTotalChars: number
  /** Longer documents are parsed and validated every time, never kept. */
  maxDocumentChars: number
}

const defaultDocumentCacheOptions: DocumentCacheOptions = {
  maxTotalChars: 128 * 1024,
  maxDocumentChars: 8 * 1024,
}

export interface DocumentCache<T> {
  get(text: string): T | undefined
  set(text: string, value: T): void
  /** Characters of document text held now. */
  readonly totalChars: number
  readonly size: number
}

export function createDocumentCache<T>(options: DocumentCacheOptions = defaultDocumentCacheOptions): DocumentCache<T> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the
  // least recently used one.
  const entries = new Map<string, T>()
  let totalChars = 0
  return {
    get(text) {
      const value = entries.get(text)
      if (value !== undefined) {
        entries.delete(text)
        entries.set(text, value)
      }
      return value
    },
    set(text, value) {
      if (text.length > options.maxDocumentChars || entries.has(text)) return
      entries.set(text, value)
      totalChars += text.length
      for (const oldest of entries.keys()) {
        if (totalChars <= options.maxTotalChars) break
        entries.delete(oldest)
        totalChars -= oldest.length
      }
    },
    get totalChars() {
      return totalChars
    },
    get size() {
      return entries.size
    },
  }
}

/** Replaces Yoga's parser and validation cache (create Yoga with `parserAndValidationCache: false`). */
export function useValidDocumentCache(cache: DocumentCache<DocumentNode> = createDocumentCache()): Plugin {
  // A document is kept only once it comes a second time: real clients repeat theirs all
  // the time, while a stream of distinct documents would only churn the cache (and every
  // evicted document is old garbage the collector must find).
  const seenOnce = createDocumentCache<true>()
  // Per request: the text parsed, and whether its document came from the cache.
  const parsedText = new WeakMap<object, string>()
  const fromCache = new WeakSet<object>()
  return {
    onParse({ params, context, setParsedDocument }) {
      const text = params.source.toString()
      const cached = cache.get(text)
      if (cached) {
        fromCache.add(context)
        setParsedDocument(cached)
        return
      }
      parsedText.set(context, text)
    },
    onValidate({ context, params, setResult }) {
      if (fromCache.has(context)) {
        setResult([])
        return
      }
      const text = parsedText.get(context)
      if (text === undefined) return
      const document = params.documentAST
      return ({ valid }) => {
        if (!valid) return
        if (seenOnce.get(text)) cache.set(text, document)
        else seenOnce.set(text, true)
      }
    },
  }
}
