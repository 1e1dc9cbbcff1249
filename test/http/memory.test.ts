import type { Server } from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeServer, listen } from '../../src/http/server.ts'
import { createTestApp, useTestStores } from '../helpers.ts'

/**
 * Unknown documents must not be able to buy memory: 20,000 distinct documents — valid,
 * invalid and large — leave resident memory within 50 MB of what it was after a
 * warm-up of the same kinds of documents, few of them distinct, which brought the heap
 * to its working size.
 *
 * The service runs in this process, behind a real HTTP listener, so that the test can
 * collect garbage before each reading: without that, the resident size swings by
 * 100 MB or more with the timing of V8's collections and the size it lets its heap
 * grow to, and says little about what the service holds. The hook to the collector
 * lives here only, never in the service.
 */

const allowedGrowthBytes = 50 * 1024 * 1024
const concurrency = 4

v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

/**
 * Resident size after full collections, with a pause between them in which V8 gives
 * unused pages back to the system.
 */
async function residentAfterCollection(): Promise<number> {
  collectGarbage()
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  collectGarbage()
  return process.memoryUsage().rss
}

const stores = useTestStores()

/** The n-th document of a kind: valid, failing validation or parsing, small or large. */
function nthDocument(n: number, salt: string): string {
  const tag = `${salt}${n}`
  switch (n % 10) {
    case 0:
    case 1:
    case 2:
      return `query Q${tag} { me { id } a${tag}: me { phone createdAt } }`
    case 3:
    case 4:
      return `query { nothing${tag} { id } me { missing${tag} } }`
    case 5:
    case 6:
      return `query { me { id ${tag}`
    case 7:
      // About 4 kB and 450 tokens, valid: a large parsed document.
      return `query L${tag} { me { id ${'phone createdAt lastSignInAt '.repeat(150)}} }`
    case 8:
      // About 3 kB, a hundred names that are no field: a large invalid document.
      return `query { me { ${Array.from({ length: 100 }, (_, i) => `f${i}${tag}`).join(' ')} } }`
    default:
      // About 10 kB of comment around a small valid document.
      return `# ${tag} ${'padding '.repeat(1250)}\nquery P${tag} { me { id phone } }`
  }
}

/** `count` requests; with `distinct` below `count`, the documents repeat with that period. */
async function sendDocuments(baseUrl: string, count: number, salt: string, distinct = count): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const query = nthDocument(next++ % distinct, salt)
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      })
      expect(response.status).toBeLessThan(500)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)

describe('memory under distinct documents', () => {
  let server: Server
  let baseUrl: string

  beforeAll(async () => {
    const t = await createTestApp(stores)
    server = await listen(t.app.handle, 0, '127.0.0.1')
    const address = server.address()
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })

  afterAll(async () => {
    if (server) await closeServer(server, 1000)
  })

  it('stays within 50 MB of its warmed-up size after 20,000 distinct documents', async () => {
    await sendDocuments(baseUrl, 20_000, 'warm', 200)
    const warmedUp = await residentAfterCollection()
    await sendDocuments(baseUrl, 20_000, 'load')
    const after = await residentAfterCollection()
    console.log(`[memory] RSS ${mb(warmedUp)} MB after the warm-up, ${mb(after)} MB after 20,000 distinct documents`)
    expect(after - warmedUp).toBeLessThan(allowedGrowthBytes)
  }, 180_000)
})
