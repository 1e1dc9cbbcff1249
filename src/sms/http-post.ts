import http from 'node:http'
import https from 'node:https'

/** A provider's answer: its status and (bounded) body text. */
export interface PostAnswer {
  status: number
  text: string
}

/** One POST; rejects on a network failure or when `signal` aborts it. */
export type HttpPost = (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<PostAnswer>

export interface KeepAlivePost {
  post: HttpPost
  /** Closes the idle sockets (at shutdown). */
  close(): void
}

// An SMS provider answers in a few hundred bytes; more is read no further.
const MAX_ANSWER_BYTES = 64 * 1024
// Idle sockets are closed before a typical 5 s server keep-alive ends, so a reused
// socket is rarely one the provider is closing at that moment.
const IDLE_SOCKET_MS = 4000

/**
 * POSTs over node:http(s) with keep-alive agents. Measured against global fetch
 * (undici) in the benchmark: fetch builds WHATWG Request/Response objects and streams
 * for every send, about a third of a code request's CPU here. Redirects are never
 * followed (node:http does not): one would carry the auth key elsewhere.
 */
export function createKeepAlivePost(options: { maxSockets: number }): KeepAlivePost {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const }
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) }
  return {
    post: (url, headers, body, signal) => postOnce(url.protocol === 'https:' ? https : http, url.protocol === 'https:' ? agents.https : agents.http, { url, headers, body, signal }),
    close() {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}

interface PostInput {
  url: URL
  headers: Record<string, string>
  body: string
  signal: AbortSignal
}

function postOnce(transport: typeof http | typeof https, agent: http.Agent, input: PostInput): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    if (input.signal.aborted) return reject(new Error('aborted'))
    const headers = { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) }
    const request = transport.request(input.url, { method: 'POST', headers, agent })
    const abort = () => request.destroy(new Error('aborted'))
    input.signal.addEventListener('abort', abort, { once: true })
    const settle = () => input.signal.removeEventListener('abort', abort)
    request.once('error', (error) => {
      settle()
      reject(error)
    })
    request.once('response', (response) => {
      const chunks: Buffer[] = []
      let bytes = 0
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes <= MAX_ANSWER_BYTES) chunks.push(chunk)
      })
      response.once('end', () => {
        settle()
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
      })
      response.once('error', (error) => {
        settle()
        reject(error)
      })
    })
    request.end(input.body)
  })
}
