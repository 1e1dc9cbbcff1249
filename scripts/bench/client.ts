import http from 'node:http'

/**
 * The load generator's HTTP client: node:http over a keep-alive agent with one socket
 * per concurrent flow, so no request waits for a connection and none pays a handshake.
 */
export interface HttpClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<unknown>
  close(): void
}

const requestTimeoutMs = 30_000

export function createHttpClient(port: number, concurrency: number): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency })
  return {
    post: (path, body, headers = {}) =>
      new Promise((resolve, reject) => {
        const text = JSON.stringify(body)
        const request = http.request(
          {
            agent,
            host: '127.0.0.1',
            port,
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers },
            timeout: requestTimeoutMs,
          },
          (response) => {
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
          },
        )
        request.on('timeout', () => request.destroy(new Error(`${path}: no answer within ${requestTimeoutMs} ms`)))
        request.on('error', reject)
        request.end(text)
      }),
    close: () => agent.destroy(),
  }
}
