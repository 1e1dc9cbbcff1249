import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { buildSchema } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzRequestGenerator, seededRandom, type FuzzRequest } from '../support/fuzz.ts'
import { projectRoot } from '../support/server-process.ts'
import { startServerOnTestStores, type StoreServer } from '../support/store-server.ts'

/**
 * Thousands of random requests — methods, paths, headers, query strings, documents
 * valid, mutated and junk — against the service started as `npm start` runs it. No
 * answer may be a 5xx or INTERNAL_SERVER_ERROR, every `__typename` in `data` must be a
 * type of the contract, and /healthz must still answer afterwards. Each run prints its
 * seed; `FUZZ_SEED=<seed> npx vitest run test/http/fuzz.test.ts` replays it.
 */

const fixedSeed = 20261129
const requestsPerRun = 2500
const runDeadlineMs = 60_000
const concurrency = 8

const contractFile = path.join(projectRoot, '..', 'shared', 'contract', 'schema.graphql')
const schemaFile = existsSync(contractFile) ? contractFile : path.join(projectRoot, 'schema.graphql')
const contractTypes = new Set(Object.keys(buildSchema(readFileSync(schemaFile, 'utf8')).getTypeMap()))

interface Finding {
  request: FuzzRequest
  status: number
  problem: string
  excerpt: string
}

/** Every `__typename` below `value` that the contract does not name. */
function unknownTypenames(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => unknownTypenames(item, found))
  else if (value && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      if (key === '__typename' && typeof member === 'string' && !contractTypes.has(member)) found.push(member)
      else unknownTypenames(member, found)
    }
  }
  return found
}

function judge(request: FuzzRequest, status: number, text: string): Finding | undefined {
  const finding = (problem: string) => ({ request, status, problem, excerpt: text.slice(0, 300) })
  if (status >= 500) return finding('5xx answer')
  if (text.includes('INTERNAL_SERVER_ERROR')) return finding('INTERNAL_SERVER_ERROR')
  if (!text.startsWith('{')) return undefined
  let body: { data?: unknown }
  try {
    body = JSON.parse(text) as { data?: unknown }
  } catch {
    return undefined // GraphiQL's page, the metrics text, or a streamed answer
  }
  const unknown = unknownTypenames(body.data)
  return unknown.length > 0 ? finding(`types outside the contract: ${unknown.join(', ')}`) : undefined
}

async function fire(baseUrl: string, request: FuzzRequest): Promise<Finding | undefined> {
  try {
    const response = await fetch(baseUrl + request.path, { method: request.method, headers: request.headers, body: request.body })
    return judge(request, response.status, await response.text())
  } catch (error) {
    // The client itself may refuse what it generated (e.g. a body on OPTIONS): that is
    // not an answer of the server. A dropped connection is.
    const cause = (error as { cause?: { code?: string } }).cause?.code
    if (cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') return { request, status: 0, problem: `connection ${cause}`, excerpt: '' }
    return undefined
  }
}

async function fuzz(baseUrl: string, seed: number): Promise<{ sent: number; findings: Finding[] }> {
  const next = fuzzRequestGenerator(seededRandom(seed))
  const requests = Array.from({ length: requestsPerRun }, next)
  const findings: Finding[] = []
  const deadline = Date.now() + runDeadlineMs
  let index = 0
  const worker = async () => {
    while (index < requests.length && Date.now() < deadline) {
      const finding = await fire(baseUrl, requests[index++]!)
      if (finding) findings.push(finding)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { sent: index, findings }
}

describe('the HTTP edge under random requests', () => {
  let service: StoreServer

  beforeAll(async () => {
    // Generous IP caps: every request comes from one address, and the caps answer typed
    // errors anyway; what is fuzzed here is everything in front of them.
    service = await startServerOnTestStores({ OTP_MAX_SENDS_PER_IP: '0', OTP_MAX_FAILURES_PER_IP: '0' })
  }, 60_000)

  afterAll(async () => {
    await service?.close()
  })

  const seeds = [['a fixed seed', fixedSeed], ['a random seed', Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))]] as const

  it.each(seeds)('never answers 5xx or INTERNAL_SERVER_ERROR, with %s', async (_label, seed) => {
    console.log(`[fuzz] seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run test/http/fuzz.test.ts)`)
    const { sent, findings } = await fuzz(service.server.baseUrl, seed)
    expect(sent).toBeGreaterThan(500)
    expect(findings.slice(0, 5), `seed ${seed}: ${findings.length} bad answers of ${sent}`).toEqual([])
    const health = await fetch(`${service.server.baseUrl}/healthz`)
    expect(health.status).toBe(200)
  }, 120_000)

  it('judges a 5xx, INTERNAL_SERVER_ERROR and a foreign type as findings', () => {
    const request = { method: 'GET', path: '/graphql', headers: {} }
    expect(judge(request, 500, '')?.problem).toBe('5xx answer')
    expect(judge(request, 200, '{"errors":[{"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}')?.problem).toBe('INTERNAL_SERVER_ERROR')
    expect(judge(request, 200, '{"data":{"me":{"__typename":"Secret"}}}')?.problem).toMatch(/Secret/)
    expect(judge(request, 200, '{"data":{"me":{"__typename":"User"}}}')).toBeUndefined()
  })
})
