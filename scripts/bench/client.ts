import http from 'node:http'

/**
 * The load generator's HTTP client: node:http over a keep-alive agent with one socket
 * per operation in flight, so no request waits for a connection and none pays a handshake.
 * Anything but a 200 with a JSON body is an error.
 */
export interface HttpClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<unknown>
  get(path: string, headers?: Record<string, string>): Promise<unknown>
  close(): void
}

const requestTimeoutMs = 30_000

export function createHttpClient(port: number, concurrency: number): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency })
  const call = (method: string, path: string, text: string | undefined, headers: Record<string, string>) =>
    new Promise<unknown>((resolve, reject) => {
      const bodyHeaders = text === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
      const options = { agent, host: '127.0.0.1', port, method, path, headers: { ...bodyHeaders, ...headers }, timeout: requestTimeoutMs }
      const request = http.request(options, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const answer = Buffer.concat(chunks).toString('utf8')
          if (response.statusCode !== 200) return reject(new Error(`${path}: HTTP ${response.statusCode} ${answer.slice(0, 300)}`))
          try {
            resolve(JSON.parse(answer))
          } catch {
            reject(new Error(`${path}: not JSON: ${answer.slice(0, 300)}`))
          }
        })
      })
      request.on('timeout', () => request.destroy(new Error(`${path}: no answer within ${requestTimeoutMs} ms`)))
      request.on('error', reject)
      request.end(text)
    })
  return {
    post: (path, body, headers = {}) => call('POST', path, JSON.stringify(body), headers),
    get: (path, headers = {}) => call('GET', path, undefined, headers),
    close: () => agent.destroy(),
  }
}
