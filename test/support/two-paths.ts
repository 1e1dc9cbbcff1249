import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { closeServer, listen } from '../../src/http/server.ts'
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers.ts'
import { memoryLog } from './memory-log.ts'

/**
 * Two apps on the same stores, one with the direct path (src/http/direct-path.ts) and
 * one without, served over real HTTP, for tests that send both the same requests and
 * compare what comes back.
 */

export interface Side {
  t: TestApp
  server: Server
  port: number
  /** Requests Yoga read (from its node listener or, after a hand-over, its fetch). */
  yogaCalls(): number
}

export interface TwoPaths {
  direct: Side
  viaYoga: Side
  close(): Promise<void>
}

export async function startTwoPaths(options: Omit<TestAppOptions, 'directPath' | 'logger'>): Promise<TwoPaths> {
  const [direct, viaYoga] = await Promise.all([startSide({ ...options, directPath: true }), startSide({ ...options, directPath: false })])
  return { direct, viaYoga, close: async () => void (await Promise.all([closeServer(direct.server, 1000), closeServer(viaYoga.server, 1000)])) }
}

async function startSide(options: TestAppOptions): Promise<Side> {
  // Yoga writes a debug line for every request whose parameters it reads.
  const log = memoryLog('debug')
  const t = await createTestApp({ ...options, logger: log.logger })
  const server = await listen(t.app.handle, 0, '127.0.0.1')
  const yogaCalls = () => log.lines.filter((line) => line.includes('Parsing request to extract GraphQL parameters')).length
  return { t, server, port: (server.address() as AddressInfo).port, yogaCalls }
}

export interface Answer {
  status: number
  headers: Record<string, string | undefined>
  body: string
}

/** One POST /graphql over node:http, so that every header (and its absence) is the test's choice. */
export function send(port: number, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = { 'content-length': String(Buffer.byteLength(body)) }
    const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { ...length, ...headers } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers as Answer['headers'], body: Buffer.concat(chunks).toString('utf8') }))
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** What a client reads of an answer; request ids differ by nature, so only their presence counts. */
export function comparable(answer: Answer) {
  const { headers } = answer
  return {
    status: answer.status,
    contentType: headers['content-type'],
    vary: headers.vary,
    contentLength: headers['content-length'] === undefined ? 'absent' : Number(headers['content-length']) === Buffer.byteLength(answer.body),
    requestIdHeader: typeof headers['x-request-id'],
    allowOrigin: headers['access-control-allow-origin'],
    body: answer.body.replace(/"requestId":"[^"]+"/g, '"requestId":"…"'),
  }
}

/**
 * Sends the request three times to each app (a document is cached from its second
 * sighting); answers both third answers and whether Yoga read the direct side's third.
 */
export async function sendBoth(pair: TwoPaths, headers: Record<string, string>, text: string, auth: (side: Side) => Record<string, string> = () => ({})) {
  const answers: Answer[] = []
  let yogaSawThird = false
  for (const side of [pair.direct, pair.viaYoga]) {
    await send(side.port, { ...headers, ...auth(side) }, text)
    await send(side.port, { ...headers, ...auth(side) }, text)
    const before = side.yogaCalls()
    answers.push(await send(side.port, { ...headers, ...auth(side) }, text))
    if (side === pair.direct) yogaSawThird = side.yogaCalls() > before
  }
  return { direct: answers[0]!, viaYoga: answers[1]!, yogaSawThird }
}
