import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/**
 * The app's backend as a test sees it: a real HTTP receiver on 127.0.0.1 that checks
 * every request with the `standardwebhooks` package (an implementation independent of
 * ours). It can answer 500, hang, redirect, or be down (connection refused).
 */

export interface ReceivedWebhook {
  id: string
  timestamp: number
  body: string
  type: string
  userId: string
}

export type ReceiverMode = 'ok' | 'error' | 'hang' | 'redirect'

export async function startWebhookReceiver(secret: string) {
  const verifier = new Webhook(secret)
  const received: ReceivedWebhook[] = []
  const attempts: { id: string; timestamp: number; signature: string; at: number }[] = []
  const problems: string[] = []
  const inFlight = new Set<string>()
  let mode: ReceiverMode = 'ok'
  let server: Server | undefined
  let port = 0

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
    const id = headers['webhook-id'] ?? ''
    attempts.push({ id, timestamp: Number(headers['webhook-timestamp']), signature: headers['webhook-signature'] ?? '', at: Date.now() })
    // The same event twice AT ONCE would mean two dispatchers hold one lease.
    if (inFlight.has(id)) problems.push(`${id} delivered twice at once`)
    inFlight.add(id)
    try {
      if (mode === 'hang') return void (await new Promise((resolve) => req.socket.once('close', resolve)))
      if (mode === 'error') return void res.writeHead(500).end()
      if (mode === 'redirect') return void res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end()
      const payload = verifier.verify(body, headers) as { type: string; data: { userId: string } }
      received.push({ id, timestamp: Number(headers['webhook-timestamp']), body, type: payload.type, userId: payload.data.userId })
      res.writeHead(204).end()
    } catch (error) {
      problems.push(`${id}: ${(error as Error).message}`)
      res.writeHead(400).end()
    } finally {
      inFlight.delete(id)
    }
  }

  async function up(): Promise<void> {
    server = createServer((req, res) => void handle(req, res))
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }

  await up()
  return {
    url: () => `http://127.0.0.1:${port}/hooks`,
    received,
    attempts,
    problems,
    setMode(next: ReceiverMode): void {
      mode = next
    },
    /** Connection refused until `up()`. */
    async down(): Promise<void> {
      const closing = server!
      closing.closeAllConnections()
      await new Promise((resolve) => closing.close(resolve))
    },
    up,
    async close(): Promise<void> {
      server?.closeAllConnections()
      await new Promise((resolve) => server?.close(resolve))
    },
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>

/** A WEBHOOK_SECRET as Standard Webhooks writes one. */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`
}
