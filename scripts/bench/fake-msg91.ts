import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for MSG91's Flow API on 127.0.0.1 that both servers send their SMS to
 * (wire format: ../shared/contract/msg91.md). It accepts every well-formed request with
 * `{"type":"success","message":"<24 hex request id>"}` and keeps the latest code per
 * number (recipients[0].mobiles / var2) until the load generator takes it.
 *
 * It runs in the load generator's process, so a code is in its inbox before the server
 * that sent it can answer: the server waits for this answer first.
 */
export interface FakeMsg91 {
  baseUrl: string
  /** The code last sent to `phone` (E.164), removed from the inbox; throws when none was sent. */
  take(phone: string): string
  /** Accepted messages so far. */
  readonly accepted: number
  close(): Promise<void>
}

export async function startFakeMsg91(): Promise<FakeMsg91> {
  const codes = new Map<string, string>()
  let accepted = 0
  const server = createServer((req, res) => void handle(req, res))
  // The servers keep their connections between slices; an idle one must not be closed under them.
  server.keepAliveTimeout = 60_000

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req).catch(() => '')
    if (req.method !== 'POST' || req.url !== '/api/v5/flow') return send(res, 404, { type: 'error', message: 'Not found' })
    const recipient = firstRecipient(body)
    if (!recipient || typeof req.headers.authkey !== 'string') return send(res, 200, { type: 'error', message: 'Invalid request' })
    codes.set(recipient.mobiles, recipient.code)
    send(res, 200, { type: 'success', message: (++accepted).toString(16).padStart(24, '0') })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take(phone) {
      const mobiles = phone.replace(/^\+/, '')
      const code = codes.get(mobiles)
      if (code === undefined) throw new Error(`no SMS reached ${phone}`)
      codes.delete(mobiles)
      return code
    },
    get accepted() {
      return accepted
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function firstRecipient(body: string): { mobiles: string; code: string } | undefined {
  try {
    const recipient = (JSON.parse(body) as { recipients?: { mobiles?: unknown; var2?: unknown }[] }).recipients?.[0]
    if (typeof recipient?.mobiles !== 'string' || typeof recipient.var2 !== 'string') return undefined
    return { mobiles: recipient.mobiles, code: recipient.var2 }
  } catch {
    return undefined
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
