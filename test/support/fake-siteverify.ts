import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local siteverify endpoint answering in the format of each provider, for tokens whose
 * first word says what to answer: `pass…` (single use, as real tokens are), `low…`
 * (reCAPTCHA score 0.1), `host…` (solved on another hostname), `bad…` (invalid), `slow…`
 * (answers after 2 s), `err…` (HTTP 500).
 */

export type FakeProvider = 'turnstile' | 'hcaptcha' | 'recaptcha'

const duplicateCode: Record<FakeProvider, string> = {
  turnstile: 'timeout-or-duplicate',
  hcaptcha: 'invalid-or-already-seen-response',
  recaptcha: 'timeout-or-duplicate',
}

export const fakeHostname = 'app.example.com'

export async function startFakeSiteverify(provider: FakeProvider, secret: string) {
  const calls: { secret: string; response: string; remoteip: string; contentType: string }[] = []
  const used = new Set<string>()
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      const call = { secret: form.get('secret') ?? '', response: form.get('response') ?? '', remoteip: form.get('remoteip') ?? '', contentType: req.headers['content-type'] ?? '' }
      calls.push(call)
      const token = call.response
      const answer = (value: object, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      const ok = { success: true, challenge_ts: new Date().toISOString(), hostname: fakeHostname }
      if (call.secret !== secret) return answer({ success: false, 'error-codes': ['invalid-input-secret'] })
      if (token.startsWith('err')) return answer({}, 500)
      if (token.startsWith('slow')) return void setTimeout(() => answer(ok), 2_000)
      if (token.startsWith('bad')) return answer({ success: false, 'error-codes': ['invalid-input-response'] })
      if (token.startsWith('host')) return answer({ ...ok, hostname: 'evil.example.net' })
      if (token.startsWith('low')) return answer(provider === 'recaptcha' ? { ...ok, score: 0.1, action: 'login' } : ok)
      if (used.has(token)) return answer({ success: false, 'error-codes': [duplicateCode[provider]] })
      used.add(token)
      // hCaptcha Enterprise's score is a RISK score: 0.9 means "probably a bot", and is not ours to judge.
      answer(provider === 'recaptcha' ? { ...ok, score: 0.9, action: 'login' } : provider === 'hcaptcha' ? { ...ok, credit: false, score: 0.9 } : ok)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/siteverify`,
    calls,
    async close(): Promise<void> {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type FakeSiteverify = Awaited<ReturnType<typeof startFakeSiteverify>>
