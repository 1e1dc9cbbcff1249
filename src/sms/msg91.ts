import type { Logger } from 'pino'
import { createKeepAlivePost, type HttpPost, type PostAnswer } from './http-post.ts'
import { SmsSendError, type OtpMessage, type SmsSender } from './sender.ts'

export interface Msg91Options {
  authKey: string
  templateId: string
  /** Sent as `sender` only when set; current accounts keep it in the template. */
  senderId?: string
  /** Without a trailing slash, e.g. https://control.msg91.com */
  baseUrl: string
  /** One deadline for the whole send, the retry included. */
  timeoutMs: number
  appDomain: string
  /** Android SMS Retriever hash, template variable var3. */
  appHash?: string
  logger: Logger
  /** The HTTP exchange; by default node:http(s) over keep-alive sockets. */
  post?: HttpPost
}

type Outcome = SmsSendError['outcome']
type Failure = { outcome: Outcome; reason: string; status?: number; errorCode?: string; providerMessage?: string }
type Attempt = { requestId: string } | Failure
type Post = (signal: AbortSignal) => Promise<PostAnswer>

// A first attempt that hangs must still leave room for the one retry.
const FIRST_ATTEMPT_SHARE = 0.6
const MAX_BACKOFF_MS = 200
const MIN_RETRY_MS = 50
const MAX_PROVIDER_TEXT = 200
// These fail while connecting, before any byte of the request left this process.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'])
// Sends at once to MSG91; more wait for a free socket (within their deadline).
const MAX_SOCKETS = 64

export function createMsg91Sender(options: Msg91Options): SmsSender {
  const transport = options.post ? { post: options.post, close() {} } : createKeepAlivePost({ maxSockets: MAX_SOCKETS })
  const url = new URL(`${options.baseUrl}/api/v5/flow`)
  const headers = { authkey: options.authKey, 'content-type': 'application/json', accept: 'application/json' }
  const { logger, timeoutMs } = options
  const backoffMs = Math.min(MAX_BACKOFF_MS, Math.round(timeoutMs * 0.1))

  return {
    name: 'msg91',
    close: () => transport.close(),
    async send(message) {
      const started = performance.now()
      const secrets = [options.authKey, message.code]
      const body = JSON.stringify(flowBody(options, message))
      // No redirects are followed: one would carry the authkey header to wherever it points.
      const request: Post = (signal) => transport.post(url, headers, body, signal)
      const post = (budgetMs: number) => attempt(request, budgetMs, secrets)
      let result = await post(Math.ceil(timeoutMs * FIRST_ATTEMPT_SHARE))
      let attempts = 1
      const left = () => timeoutMs - (performance.now() - started)
      // Only answers that may have reached MSG91 are retried: it drops an identical
      // request repeated within 10 s, so the retry cannot deliver a second SMS.
      if (!('requestId' in result) && result.outcome === 'maybe-sent' && left() - backoffMs >= MIN_RETRY_MS) {
        logger.warn({ ...result, attempt: attempts, retrying: true }, 'msg91 send attempt failed')
        await sleep(backoffMs)
        result = await post(left())
        attempts = 2
      }
      const durationMs = Math.round(performance.now() - started)
      if ('requestId' in result) {
        logger.info({ msg91RequestId: result.requestId, attempts, durationMs }, 'sms accepted by msg91')
        return { providerMessageId: result.requestId }
      }
      // After a retry the first request may still deliver, whatever the second one met.
      const outcome: Outcome = attempts > 1 ? 'maybe-sent' : result.outcome
      logger.warn({ ...result, attempt: attempts, outcome, durationMs }, 'sms not accepted by msg91')
      throw new SmsSendError(`MSG91 did not accept the SMS (${result.reason})`, outcome)
    },
  }
}

function flowBody(options: Msg91Options, message: OtpMessage) {
  const recipient: Record<string, string> = {
    mobiles: message.phone.replace(/^\+/, ''),
    var1: options.appDomain,
    var2: message.code,
  }
  if (options.appHash) recipient.var3 = options.appHash
  return {
    template_id: options.templateId,
    ...(options.senderId ? { sender: options.senderId } : {}),
    short_url: '0',
    realTimeResponse: '1',
    recipients: [recipient],
  }
}

/** One POST under its own timer; the race also bounds a transport that ignores its signal. */
async function attempt(request: Post, budgetMs: number, secrets: string[]): Promise<Attempt> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, budgetMs, 'timeout')))
  const exchange = request(controller.signal)
  try {
    const answer = await Promise.race([exchange, timedOut])
    if (answer === 'timeout') {
      // Closes the socket of the request still waiting, so nothing lingers. (Only then:
      // aborting a finished exchange costs a DOMException and an event per send.)
      controller.abort()
      return { outcome: 'maybe-sent', reason: 'timeout' }
    }
    return readAnswer(answer.status, answer.text, secrets)
  } catch (error) {
    return networkFailure(error)
  } finally {
    clearTimeout(timer)
  }
}

function readAnswer(status: number, text: string, secrets: string[]): Attempt {
  const json = parseJson(text)
  const providerMessage = typeof json?.message === 'string' ? clean(json.message, secrets) : undefined
  if (status >= 400 && status < 500) return { outcome: 'not-sent', reason: 'http-status', status, providerMessage }
  if (status < 200 || status >= 300) return { outcome: 'maybe-sent', reason: 'http-status', status, providerMessage }
  if (!json) return { outcome: 'maybe-sent', reason: 'non-json', status }
  if (json.type === 'success' && typeof json.message === 'string') return { requestId: json.message }
  if (json.type === 'error') return { outcome: 'not-sent', reason: 'provider-error', providerMessage }
  return { outcome: 'maybe-sent', reason: 'unexpected-answer', status }
}

function networkFailure(error: unknown): Failure {
  const codes = causeCodes(error)
  const errorCode = codes[0]
  if (codes.length > 0 && codes.every((code) => NOT_CONNECTED.has(code))) {
    return { outcome: 'not-sent', reason: 'not-connected', errorCode }
  }
  // A reset or any other failure may come after the request went out.
  return { outcome: 'maybe-sent', reason: 'network', errorCode }
}

/**
 * node:http rejects with the socket's error itself; Happy Eyeballs aggregates one per
 * address tried; fetch wraps either as `TypeError('fetch failed', { cause })`.
 */
function causeCodes(error: unknown): string[] {
  type Coded = { code?: unknown; errors?: unknown; cause?: Coded }
  const outer = error as Coded | undefined
  const cause = typeof outer?.code === 'string' || Array.isArray(outer?.errors) ? outer : outer?.cause
  // Not connected only when every address tried refused the connection.
  if (Array.isArray(cause?.errors)) return cause.errors.map((inner: Coded) => (typeof inner?.code === 'string' ? inner.code : 'unknown'))
  return typeof cause?.code === 'string' ? [cause.code] : []
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** MSG91's texts name no secret today; cutting and scrubbing keeps it so if that changes. */
function clean(text: string, secrets: string[]): string {
  let result = text
  for (const secret of secrets) if (secret) result = result.replaceAll(secret, '[redacted]')
  return result.slice(0, MAX_PROVIDER_TEXT)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
