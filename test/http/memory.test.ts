import type { Server } from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeServer, listen } from '../../src/http/server.ts'
import { createTestApp, useTestStores } from '../helpers.ts'
import { projectRoot } from '../support/server-process.ts'

/**
 * Unknown documents must not be able to buy memory: 20,000 distinct documents — valid,
 * invalid and large — leave resident memory within 50 MB of what it was after a
 * warm-up of the same kinds of documents, few of them distinct, which brought the heap
 * to its working size.
 *
 * The service runs in this process, behind a real HTTP listener (the client is another
 * process), so that the test can collect garbage before each reading: without that, the resident size swings by
 * 100 MB or more with the timing of V8's collections and the size it lets its heap
 * grow to, and says little about what the service holds. The hook to the collector
 * lives here only, never in the service.
 */

const allowedGrowthBytes = 50 * 1024 * 1024
const run = promisify(execFile)
const loadScript = path.join(projectRoot, 'test', 'support', 'document-load.ts')

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

/** Sends `count` documents from a separate client process (test/support/document-load.ts). */
async function sendDocuments(baseUrl: string, count: number, salt: string, distinct = count): Promise<void> {
  const args = ['--import', 'tsx', loadScript, baseUrl, String(count), salt, String(distinct)]
  const { stderr } = await run(process.execPath, args, { cwd: projectRoot, timeout: 150_000 })
  if (stderr.trim()) console.log(stderr)
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
