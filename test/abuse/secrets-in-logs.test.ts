import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMsg91Sender } from '../../src/sms/msg91.ts'
import type { OtpMessage, SmsSender } from '../../src/sms/sender.ts'
import { createTestApp, requestOtpMutation, uniquePhone, useTestStores, verifyOtpMutation, wrongCode, type TestApp } from '../helpers.ts'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { linesContaining, linesWithNumber } from '../support/log-scan.ts'
import { memoryLog, type MemoryLog } from '../support/memory-log.ts'
import { SmsInbox } from '../support/sms-inbox.ts'

/**
 * Issue 3, "No secret in logs": a full sign-in with its failures (wrong and malformed
 * codes, failed SMS on both senders, rate limits, token use) logged at level trace into
 * memory; then every log line, every GraphQL answer and every error message is searched
 * for each secret. Run twice: with the service's logger (redaction on) and with a bare
 * pino, because redaction is only the second line — the code must not hand secrets to
 * the logger in the first place.
 */

const stores = useTestStores()
const otpSecret = randomBytes(32)
const authKey = `ak-${randomBytes(12).toString('hex')}`

const refreshMutation = `mutation($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) {
  __typename ... on AuthSession { accessToken refreshToken } ... on Error { code message } } }`
const signOutMutation = 'mutation($refreshToken: String!) { signOut(refreshToken: $refreshToken) }'
const meQuery = '{ me { id phone } }'

interface Answer {
  label: string
  text: string
  /** Tokens this answer hands out itself (an AuthSession): the only place they may appear. */
  issued: string[]
}

/** Records every code handed to a sender, including those whose send then fails. */
function recordingSender(codes: string[], sender: SmsSender): SmsSender {
  return { name: sender.name, send: (message: OtpMessage) => (codes.push(message.code), sender.send(message)) }
}

function tokensIn(json: any): string[] {
  const sessions = Object.values(json?.data ?? {}) as any[]
  return sessions.flatMap((s) => [s?.accessToken, s?.refreshToken]).filter((v): v is string => typeof v === 'string')
}

describe.each([
  ['the service logger (redaction on)', true],
  ['a bare pino logger (no redaction)', false],
])('a full sign-in with failures, logged at trace by %s', (_label, redacted) => {
  let fake: FakeMsg91
  let log: MemoryLog
  const codes: string[] = []
  const answers: Answer[] = []
  const tokens: string[] = []

  async function call(t: TestApp, label: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await t.app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    })
    const text = await response.text()
    const json = JSON.parse(text)
    const issued = tokensIn(json)
    tokens.push(...issued)
    answers.push({ label, text, issued })
    return Object.values(json.data ?? {})[0] as any
  }

  /** Sign-in path on the in-memory inbox: wrong, malformed, failed sends, cooldown, token use. */
  async function inboxScenario() {
    const inbox = new SmsInbox()
    const env = { OTP_SECRET: otpSecret.toString('hex'), OTP_MAX_FAILURES_PER_PHONE: '3', LOG_LEVEL: 'trace' }
    const t = await createTestApp({ ...stores, env, logger: log.logger, sms: recordingSender(codes, inbox) })
    const phone = uniquePhone()
    expect(await call(t, 'request', requestOtpMutation, { phone })).toMatchObject({ __typename: 'OtpSent' })
    const code = inbox.lastCodeFor(phone)
    expect(await call(t, 'wrong code', verifyOtpMutation, { phone, otp: wrongCode(code) })).toMatchObject({ reason: 'INCORRECT' })
    for (const otp of ['', 'abc123', code.slice(1), `${code}0`]) {
      expect(await call(t, 'malformed code', verifyOtpMutation, { phone, otp })).toMatchObject({ reason: 'MALFORMED' })
    }
    expect(await call(t, 'cooldown', requestOtpMutation, { phone })).toMatchObject({ __typename: 'RateLimitedError' })
    for (const outcome of ['not-sent', 'maybe-sent'] as const) {
      inbox.failNext(outcome)
      expect(await call(t, `sms ${outcome}`, requestOtpMutation, { phone: uniquePhone() })).toMatchObject({ __typename: 'SmsDeliveryError' })
    }
    const session = await call(t, 'sign in', verifyOtpMutation, { phone, otp: code })
    expect(session).toMatchObject({ __typename: 'AuthSession' })
    await useTokens(t, session)
    expect(await call(t, 'code reused', verifyOtpMutation, { phone, otp: code })).toMatchObject({ reason: 'EXPIRED' })
    await capNumber()
  }

  /** Wrong codes over two codes of one number until verify answers RateLimitedError. */
  async function capNumber() {
    const inbox = new SmsInbox()
    const env = { OTP_SECRET: otpSecret.toString('hex'), OTP_MAX_FAILURES_PER_PHONE: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' }
    const capped = await createTestApp({ ...stores, env, logger: log.logger, sms: recordingSender(codes, inbox) })
    const phone = uniquePhone()
    for (let i = 0; i < 2; i++) {
      await call(capped, 'request', requestOtpMutation, { phone })
      await call(capped, 'wrong code', verifyOtpMutation, { phone, otp: wrongCode(inbox.lastCodeFor(phone)) })
    }
    await call(capped, 'request', requestOtpMutation, { phone })
    const refused = await call(capped, 'capped', verifyOtpMutation, { phone, otp: inbox.lastCodeFor(phone) })
    expect(refused).toMatchObject({ __typename: 'RateLimitedError' })
  }

  async function useTokens(t: TestApp, session: any) {
    await call(t, 'me', meQuery, {}, { authorization: `Bearer ${session.accessToken}` })
    await call(t, 'me with a broken token', meQuery, {}, { authorization: `Bearer ${session.accessToken.slice(0, -4)}AAAA` })
    const refreshed = await call(t, 'refresh', refreshMutation, { refreshToken: session.refreshToken })
    await call(t, 'refresh reused', refreshMutation, { refreshToken: session.refreshToken })
    await call(t, 'refresh forged', refreshMutation, { refreshToken: `${session.sessionId}.${randomBytes(32).toString('base64url')}` })
    await call(t, 'sign out', signOutMutation, { refreshToken: refreshed?.refreshToken ?? session.refreshToken })
  }

  /** The SMS path through the MSG91 sender against the fake MSG91, failures included. */
  async function msg91Scenario() {
    const env = { OTP_SECRET: otpSecret.toString('base64'), MSG91_AUTHKEY: authKey, MSG91_TEMPLATE_ID: 'tpl-secrets', MSG91_BASE_URL: fake.baseUrl }
    const sender = createMsg91Sender({ authKey, templateId: 'tpl-secrets', baseUrl: fake.baseUrl, timeoutMs: 600, appDomain: 'example.app', logger: log.logger })
    const t = await createTestApp({ ...stores, env, logger: log.logger, sms: recordingSender(codes, sender) })
    // A provider that echoes the key or the request back must not get them into a log line.
    fake.enqueue(
      { kind: 'error', message: `Invalid authkey ${authKey}`, code: '401' },
      { kind: 'status', status: 500, body: { type: 'error', message: `upstream failed for authkey=${authKey}` } },
      { kind: 'non-json', status: 502 },
      { kind: 'status', status: 400, body: { type: 'error', message: 'Invalid mobile' } },
    )
    for (let i = 0; i < 3; i++) {
      expect(await call(t, 'msg91 failure', requestOtpMutation, { phone: uniquePhone() })).toMatchObject({ __typename: 'SmsDeliveryError' })
    }
    const phone = uniquePhone()
    expect(await call(t, 'msg91 request', requestOtpMutation, { phone })).toMatchObject({ __typename: 'OtpSent' })
    const code = fake.lastCodeFor(phone)!
    await call(t, 'msg91 wrong code', verifyOtpMutation, { phone, otp: wrongCode(code) })
    expect(await call(t, 'msg91 sign in', verifyOtpMutation, { phone, otp: code })).toMatchObject({ __typename: 'AuthSession' })
  }

  beforeAll(async () => {
    fake = await startFakeMsg91({ authKey })
    log = memoryLog('trace', { redacted })
    await inboxScenario()
    await msg91Scenario()
  }, 30_000)

  afterAll(async () => {
    await fake?.close()
  })

  /** Every secret of the run, named, with the forms it could take. */
  function secrets(): Array<[string, string]> {
    const refreshSecrets = tokens.filter((token) => !token.startsWith('ey')).map((token) => token.split('.').at(-1)!)
    const signatures = tokens.filter((token) => token.startsWith('ey')).map((token) => token.split('.').at(-1)!)
    return [
      ['MSG91 auth key', authKey],
      ['OTP_SECRET (hex)', otpSecret.toString('hex')],
      ['OTP_SECRET (base64)', otpSecret.toString('base64')],
      ['OTP_SECRET (base64url)', otpSecret.toString('base64url')],
      ...tokens.map((token): [string, string] => ['a token', token]),
      ...refreshSecrets.map((secret): [string, string] => ['the secret part of a refresh token', secret]),
      ...signatures.map((signature): [string, string] => ['the signature of an access token', signature]),
    ]
  }

  it('ran the scenario it claims: codes sent, tokens issued, and something logged at every level used', () => {
    expect(codes.length).toBeGreaterThanOrEqual(10)
    expect(new Set(fake.requests.map((r) => r.behaviour))).toEqual(new Set(['error', 'status', 'non-json', 'success']))
    expect(tokens.length).toBeGreaterThanOrEqual(4)
    expect(log.lines.length).toBeGreaterThan(10)
    expect(log.entries().some((entry) => entry.event === 'otp.send_failed')).toBe(true)
  })

  it('writes no code to any log line', () => {
    for (const code of codes) expect(linesWithNumber(log.text(), code), `code ${code}`).toEqual([])
  })

  it('writes no token, refresh secret, MSG91 auth key or OTP_SECRET to any log line', () => {
    for (const [name, secret] of secrets()) expect(linesContaining(log.text(), secret), name).toEqual([])
  })

  it('answers no code, auth key or OTP_SECRET in any GraphQL answer or error message', () => {
    for (const answer of answers) {
      for (const code of codes) expect(linesWithNumber(answer.text, code), `${answer.label}: code`).toEqual([])
      for (const [name, secret] of secrets().filter(([name]) => !name.includes('token'))) {
        expect(answer.text.includes(secret), `${answer.label}: ${name}`).toBe(false)
      }
    }
  })

  it('answers tokens only in the AuthSession that hands them out', () => {
    const tokenSecrets = secrets().filter(([name]) => name.includes('token'))
    for (const answer of answers) {
      const own = answer.issued.flatMap((token) => [token, token.split('.').at(-1)!])
      for (const [name, secret] of tokenSecrets) {
        if (!own.includes(secret)) expect(answer.text.includes(secret), `${answer.label}: ${name}`).toBe(false)
      }
    }
  })
})
