import { createServer } from 'node:net'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeepAlivePost, type HttpPost, type PostAnswer } from '../../src/sms/http-post.ts'
import { createMsg91Sender, type Msg91Options } from '../../src/sms/msg91.ts'
import { SmsSendError, type SmsSendResult } from '../../src/sms/sender.ts'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'

const AUTH_KEY = 'authkey-7c41d9e2b05f'
const CODE = '482913'
const PHONE = '+919812345678'
const REQUEST_ID = '3a6b2f0c9d8e7f1a2b3c4d5e'

let fake: FakeMsg91
let lines: string[]

beforeEach(async () => {
  fake = await startFakeMsg91()
  lines = []
})

afterEach(async () => {
  await fake.close()
  // Every scenario, failing or not, must keep both secrets out of the log.
  for (const line of lines) {
    expect(line).not.toContain(AUTH_KEY)
    expect(line).not.toContain(CODE)
  }
})

function sender(overrides: Partial<Msg91Options> = {}) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return createMsg91Sender({
    authKey: AUTH_KEY,
    templateId: 'tmpl-otp-1',
    baseUrl: fake.baseUrl,
    timeoutMs: 1000,
    appDomain: 'example.app',
    logger: pino({ level: 'trace' }, stream),
    ...overrides,
  })
}

function send(overrides: Partial<Msg91Options> = {}): Promise<SmsSendResult> {
  return sender(overrides).send({ phone: PHONE, code: CODE })
}

/** The rejection of a send, checked to be an SmsSendError that names no secret. */
async function failure(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => expect.fail('send resolved but should have failed'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SmsSendError)
  const text = `${String(error)} ${(error as Error).stack ?? ''}`
  expect(text).not.toContain(AUTH_KEY)
  expect(text).not.toContain(CODE)
  return error as SmsSendError
}

function logEntries(): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>)
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('msg91 sender: wire format', () => {
  it('posts to /api/v5/flow with the auth key and JSON headers', async () => {
    await send()
    expect(fake.requests).toHaveLength(1)
    const [request] = fake.requests
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/api/v5/flow')
    expect(request?.headers.authkey).toBe(AUTH_KEY)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.accept).toBe('application/json')
  })

  it('sends the template, the number without "+", the app domain as var1 and the code as var2', async () => {
    await send()
    expect(fake.requests[0]?.body).toEqual({
      template_id: 'tmpl-otp-1',
      short_url: '0',
      realTimeResponse: '1',
      recipients: [{ mobiles: '919812345678', var1: 'example.app', var2: CODE }],
    })
  })

  it('adds the app hash as var3 when one is configured', async () => {
    await send({ appHash: 'FA+9qCX9VSu' })
    const body = fake.requests[0]?.body as { recipients: Array<Record<string, string>> }
    expect(body.recipients[0]).toEqual({ mobiles: '919812345678', var1: 'example.app', var2: CODE, var3: 'FA+9qCX9VSu' })
  })

  it('adds the sender id at the top level when one is configured', async () => {
    await send({ senderId: 'EXMPLE' })
    const body = fake.requests[0]?.body as Record<string, unknown>
    expect(body.sender).toBe('EXMPLE')
    expect(body.recipients).toEqual([{ mobiles: '919812345678', var1: 'example.app', var2: CODE }])
  })
})

describe('msg91 sender: answers', () => {
  it('resolves with the request id of an accepted message and logs that id', async () => {
    fake.enqueue({ kind: 'success', requestId: REQUEST_ID })
    await expect(send()).resolves.toEqual({ providerMessageId: REQUEST_ID })
    const accepted = logEntries().find((entry) => entry.msg === 'sms accepted by msg91')
    expect(accepted).toMatchObject({ level: 30, msg91RequestId: REQUEST_ID, attempts: 1 })
    expect(typeof accepted?.durationMs).toBe('number')
  })

  it('rejects as not-sent without a retry when MSG91 answers 200 with type error', async () => {
    fake.setDefault({ kind: 'error', message: 'Template ID Missing or Invalid Template' })
    const error = await failure(send())
    expect(error.outcome).toBe('not-sent')
    expect(fake.requests).toHaveLength(1)
    expect(logEntries().at(-1)).toMatchObject({ level: 40, reason: 'provider-error', providerMessage: 'Template ID Missing or Invalid Template' })
  })

  it('keeps the key and the code out of the log even when an error text echoes them', async () => {
    fake.setDefault({ kind: 'error', message: `bad var2 ${CODE} for key ${AUTH_KEY}` })
    await failure(send())
    expect(logEntries().at(-1)?.providerMessage).toBe('bad var2 [redacted] for key [redacted]')
  })

  it("cuts MSG91's error text to 200 characters in the log", async () => {
    fake.setDefault({ kind: 'error', message: 'x'.repeat(5000) })
    await failure(send())
    expect(logEntries().at(-1)?.providerMessage).toBe('x'.repeat(200))
  })

  it.each([400, 401, 422])('rejects as not-sent without a retry on HTTP %i', async (status) => {
    fake.setDefault({ kind: 'status', status, body: { type: 'error', message: 'Authentication failure', code: '401' } })
    const error = await failure(send())
    expect(error.outcome).toBe('not-sent')
    expect(fake.requests).toHaveLength(1)
    expect(logEntries().at(-1)).toMatchObject({ level: 40, reason: 'http-status', status })
  })

  it('retries once after a 5xx and resolves when the retry is accepted', async () => {
    fake.enqueue({ kind: 'status', status: 503 }, { kind: 'success', requestId: REQUEST_ID })
    await expect(send()).resolves.toEqual({ providerMessageId: REQUEST_ID })
    expect(fake.requests).toHaveLength(2)
    expect(fake.requests[1]?.rawBody).toBe(fake.requests[0]?.rawBody)
  })

  it('rejects as maybe-sent after two 5xx answers', async () => {
    fake.setDefault({ kind: 'status', status: 502 })
    const error = await failure(send())
    expect(error.outcome).toBe('maybe-sent')
    expect(fake.requests).toHaveLength(2)
  })

  it('stays maybe-sent when the retry after a 5xx meets a 4xx, since the first may still deliver', async () => {
    fake.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 401 })
    const error = await failure(send())
    expect(error.outcome).toBe('maybe-sent')
    expect(fake.requests).toHaveLength(2)
  })

  it('rejects as maybe-sent when the answer is not JSON, after at most one retry', async () => {
    fake.setDefault({ kind: 'non-json' })
    const error = await failure(send())
    expect(error.outcome).toBe('maybe-sent')
    expect(fake.requests).toHaveLength(2)
    expect(logEntries().at(-1)).toMatchObject({ level: 40, reason: 'non-json' })
  })

  it('rejects as maybe-sent when the connection is reset after the request went out', async () => {
    fake.setDefault({ kind: 'reset' })
    const error = await failure(send())
    expect(error.outcome).toBe('maybe-sent')
    expect(fake.requests).toHaveLength(2)
  })

  it('does not follow a redirect, which would carry the auth key to another host', async () => {
    const elsewhere = await startFakeMsg91()
    try {
      fake.setDefault({ kind: 'status', status: 307, headers: { location: `${elsewhere.baseUrl}/api/v5/flow` } })
      const error = await failure(send())
      expect(error.outcome).toBe('maybe-sent')
      expect(elsewhere.requests).toHaveLength(0)
    } finally {
      await elsewhere.close()
    }
  })
})

describe('msg91 sender: deadline and connection failures', () => {
  it('rejects as maybe-sent within the deadline when MSG91 never answers, with at most one retry', async () => {
    fake.setDefault({ kind: 'hang' })
    const started = performance.now()
    const error = await failure(send({ timeoutMs: 400 }))
    const elapsedMs = performance.now() - started
    expect(error.outcome).toBe('maybe-sent')
    expect(elapsedMs).toBeLessThan(400 + 100)
    // The first attempt leaves room for the retry, and there is never a third.
    expect(fake.requests).toHaveLength(2)
    expect(logEntries().at(-1)).toMatchObject({ level: 40, reason: 'timeout' })
  })

  it('settles within the deadline even when the transport ignores its abort signal', async () => {
    const stuck: HttpPost = () => new Promise<PostAnswer>(() => {})
    const started = performance.now()
    const error = await failure(send({ timeoutMs: 300, post: stuck }))
    expect(error.outcome).toBe('maybe-sent')
    expect(performance.now() - started).toBeLessThan(300 + 100)
  })

  it('rejects as not-sent without a retry when the connection is refused', async () => {
    const port = await closedLoopbackPort()
    let calls = 0
    const transport = createKeepAlivePost({ maxSockets: 4 })
    const counting: HttpPost = (...args) => {
      calls += 1
      return transport.post(...args)
    }
    const error = await failure(send({ baseUrl: `http://127.0.0.1:${port}`, post: counting }))
    transport.close()
    expect(error.outcome).toBe('not-sent')
    expect(calls).toBe(1)
    expect(logEntries().at(-1)).toMatchObject({ level: 40, reason: 'not-connected', errorCode: 'ECONNREFUSED' })
  })

  it('treats a refusal on every address tried as not-sent', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const aggregate = new AggregateError([refused, refused], 'all addresses refused')
    const failing: HttpPost = () => Promise.reject(aggregate)
    const error = await failure(send({ post: failing }))
    expect(error.outcome).toBe('not-sent')
  })

  it('treats a refusal on one address and a timeout on another as maybe-sent', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const timedOut = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })
    const aggregate = Object.assign(new AggregateError([refused, timedOut], 'no address answered'), { code: 'ECONNREFUSED' })
    const error = await failure(send({ post: () => Promise.reject(aggregate) }))
    expect(error.outcome).toBe('maybe-sent')
  })
})

describe('msg91 sender: connections', () => {
  it('sends one code after another over one kept-alive connection', async () => {
    const oneSender = sender()
    for (const phone of ['+919812345671', '+919812345672', '+919812345673']) await oneSender.send({ phone, code: CODE })
    oneSender.close?.()
    expect(fake.inbox()).toHaveLength(3)
    expect(fake.connections()).toBe(1)
  })

  it('reads an oversized answer no further than its bound and treats it as not JSON', async () => {
    fake.setDefault({ kind: 'non-json', status: 200, body: `{"type":"success","message":"${'x'.repeat(200_000)}"}` })
    const error = await failure(send())
    expect(error.outcome).toBe('maybe-sent')
    expect(logEntries().at(-1)).toMatchObject({ reason: 'non-json' })
  })
})
