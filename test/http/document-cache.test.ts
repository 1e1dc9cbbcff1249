import { describe, expect, it } from 'vitest'
import { createDocumentCache } from '../../src/http/document-cache.ts'

describe('the document cache', () => {
  it('keeps documents up to its total budget of text, dropping the least recently used', () => {
    const cache = createDocumentCache<number>({ maxTotalChars: 30, maxDocumentChars: 20 })
    cache.set('a'.repeat(10), 1)
    cache.set('b'.repeat(10), 2)
    cache.get('a'.repeat(10))
    cache.set('c'.repeat(15), 3)
    expect(cache.get('b'.repeat(10))).toBeUndefined()
    expect(cache.get('a'.repeat(10))).toBe(1)
    expect(cache.get('c'.repeat(15))).toBe(3)
    expect(cache.totalChars).toBeLessThanOrEqual(30)
  })

  it('never caches a document longer than maxDocumentChars', () => {
    const cache = createDocumentCache<number>({ maxTotalChars: 1000, maxDocumentChars: 20 })
    cache.set('x'.repeat(21), 1)
    expect(cache.size).toBe(0)
  })

  it('holds no more than its budget after many distinct documents', () => {
    const cache = createDocumentCache<number>()
    for (let i = 0; i < 50_000; i++) cache.set(`query Q${i} { me { id } }`, i)
    expect(cache.totalChars).toBeLessThanOrEqual(128 * 1024)
    expect(cache.get('query Q49999 { me { id } }')).toBe(49_999)
  })
})
