/**
 * Yoga caches parsed documents by their full text, and parse errors too, 1,024 entries
 * each, bounded by count: an attacker sending distinct documents buys about 20 times
 * each document's size in retained memory (a 2 kB document holds ≈ 45 kB of AST), and
 * keeps it. The service's clients send a handful of small documents, so this cache
 * keeps only documents worth keeping — up to `maxDocumentBytes` each — within a total
 * budget of document text, least recently used first out. Errors are never cached: a
 * document that does not parse is refused again at the cost of parsing it (the token
 * limit bounds that cost).
 *
 * Yoga's validation cache is keyed by the parsed document in a WeakMap, so it is freed
 * with the entries this cache lets go.
 */

export interface DocumentCacheOptions {
  /** Sum of the lengths of the cached documents' text (UTF-16 code units). */
  maxTotalChars: number
  /** Longer documents are parsed every time and never cached. */
  maxDocumentChars: number
}

export const defaultDocumentCacheOptions: DocumentCacheOptions = {
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

/** A cache that keeps nothing (for parse errors). */
export const noCache = { get: () => undefined, set: () => undefined }
