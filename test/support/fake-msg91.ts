import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the fake answers one request. `delayMs` holds the answer back. */
export type FakeMsg91Behaviour =
  | { kind: 'success'; requestId?: string; delayMs?: number }
  | { kind: 'error'; message: string; code?: string; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'non-json'; status?: number; body?: string; delayMs?: number }
  /** Never answers; the socket stays open until close(). */
  | { kind: 'hang' }
  /** Reads the request, then destroys the socket without an answer. */
  | { kind: 'reset' }

export interface RecordedMsg91Request {
  method: string
  path: string
  headers: IncomingHttpHeaders
  rawBody: string
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown
  behaviour: FakeMsg91Behaviour['kind']
}

export interface FakeSms {
  /** As sent: E.164 digits without '+'. */
  mobiles: string
  /** Template variable var2. */
  code: string
}

export interface FakeMsg91 {
  /** Point MSG91_BASE_URL (or the sender's baseUrl) here. */
  baseUrl: string
  requests: RecordedMsg91Request[]
  /** TCP connections accepted so far. */
  connections(): number
  /** Behaviours for the next requests, in order; after them the default applies. */
  enqueue(...behaviours: FakeMsg91Behaviour[]): void
  setDefault(behaviour: FakeMsg91Behaviour): void
  /** The messages of requests that were answered with success, oldest first. */
  inbox(): FakeSms[]
  /** The latest accepted code for a number, given with or without '+'. */
  lastCodeFor(phone: string): string | undefined
  /** Forgets requests and queued behaviours; the default goes back to success. */
  reset(): void
  /** Stops listening and destroys every open socket, hanging ones included. */
  close(): Promise<void>
}

export interface FakeMsg91Options {
  /** When set, requests with another authkey get MSG91's HTTP-200 authentication error. */
  authKey?: string
}

const FLOW_PATH = '/api/v5/flow'

export async function startFakeMsg91(options: FakeMsg91Options = {}): Promise<FakeMsg91> {
  const requests: RecordedMsg91Request[] = []
  const queue: FakeMsg91Behaviour[] = []
  const timers = new Set<NodeJS.Timeout>()
  let fallback: FakeMsg91Behaviour = { kind: 'success' }
  let accepted = 0

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req)
    const behaviour = chooseBehaviour(req, options, queue.shift() ?? fallback)
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body: parseJson(rawBody), behaviour: behaviour.kind })
    if (behaviour.kind === 'hang') return
    if (behaviour.kind === 'reset') return void req.socket.destroy()
    const timer = setTimeout(() => {
      timers.delete(timer)
      answer(res, behaviour, () => (++accepted).toString(16).padStart(24, '0'))
    }, behaviour.delayMs ?? 0)
    timers.add(timer)
  }
  // A client that gives up mid-request must not crash the test run.
  const server = createServer((req, res) => void handle(req, res).catch(() => req.socket.destroy()))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  let connections = 0
  server.on('connection', () => void connections++)

  const inbox = (): FakeSms[] =>
    requests.filter((r) => r.behaviour === 'success').flatMap((r) => recipientsOf(r.body))

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    enqueue: (...behaviours) => void queue.push(...behaviours),
    setDefault: (behaviour) => void (fallback = behaviour),
    inbox,
    lastCodeFor: (phone) => inbox().findLast((sms) => sms.mobiles === phone.replace(/^\+/, ''))?.code,
    reset() {
      requests.length = 0
      queue.length = 0
      fallback = { kind: 'success' }
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

/** Requests that are not a flow call, or carry the wrong key, are refused the way MSG91 would. */
function chooseBehaviour(req: IncomingMessage, options: FakeMsg91Options, planned: FakeMsg91Behaviour): FakeMsg91Behaviour {
  if (req.method !== 'POST' || req.url !== FLOW_PATH) {
    return { kind: 'status', status: 404, body: { type: 'error', message: 'Not found' } }
  }
  if (options.authKey !== undefined && req.headers.authkey !== options.authKey) {
    return { kind: 'error', message: 'Authentication failure', code: '401' }
  }
  return planned
}

type Answer = Exclude<FakeMsg91Behaviour, { kind: 'hang' } | { kind: 'reset' }>

function answer(res: ServerResponse, behaviour: Answer, nextRequestId: () => string): void {
  switch (behaviour.kind) {
    case 'success':
      return sendJson(res, 200, { type: 'success', message: behaviour.requestId ?? nextRequestId() })
    case 'error':
      return sendJson(res, 200, { type: 'error', message: behaviour.message, ...(behaviour.code ? { code: behaviour.code } : {}) })
    case 'status':
      return sendJson(res, behaviour.status, behaviour.body ?? { type: 'error', message: `status ${behaviour.status}` }, behaviour.headers)
    case 'non-json':
      res.writeHead(behaviour.status ?? 200, { 'content-type': 'text/html' })
      return void res.end(behaviour.body ?? '<html><body>Service Unavailable</body></html>')
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function recipientsOf(body: unknown): FakeSms[] {
  const recipients = (body as { recipients?: unknown } | undefined)?.recipients
  if (!Array.isArray(recipients)) return []
  return recipients.map((r: { mobiles?: unknown; var2?: unknown }) => ({ mobiles: String(r.mobiles), code: String(r.var2) }))
}
