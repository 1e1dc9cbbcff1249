import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { graphqlClient, jwtHeader, tamperSignature } from '../support/http-client.ts'
import { consoleCodePattern, linesContaining, linesWithNumber } from '../support/log-scan.ts'
import { makeTempDir, removeDir, startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * The service as a developer first meets it: `npm start` with no configuration at all
 * (PGlite under DATA_DIR, the in-process Redis stand-in, the console SMS sender), driven
 * over real HTTP on 127.0.0.1.
 */

const nationalPhone = '9812345678'
const phone = '+919812345678'

describe('embedded development server (no configuration)', () => {
  const dataDir = makeTempDir('phone-auth-embedded-')
  const servers: ServerProcess[] = []
  let server: ServerProcess
  /** Logs of servers that have already stopped. */
  let earlierLogs = ''
  const allLogs = () => earlierLogs + server.logs()
  const issued = { codes: [] as string[], accessTokens: [] as string[], refreshTokens: [] as string[] }
  let firstSession: any

  const start = async () => {
    server = await startServer({ env: { DATA_DIR: dataDir } })
    servers.push(server)
  }

  beforeAll(start)

  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL', 0).catch(() => undefined)
    removeDir(dataDir)
  })

  async function signIn(expectNewUser: boolean) {
    const client = graphqlClient(server.baseUrl)
    const logOffset = server.logs().length
    const sent = await client.requestOtp(nationalPhone)
    expect(sent).toMatchObject({ __typename: 'OtpSent', phone, codeLength: 6 })
    const [, code] = await server.waitForLog(consoleCodePattern(phone, sent.codeLength), 5_000, logOffset)
    issued.codes.push(code!)
    const session = await client.verifyOtp(nationalPhone, code!)
    expect(session).toMatchObject({ __typename: 'AuthSession', tokenType: 'Bearer', isNewUser: expectNewUser, user: { phone } })
    issued.accessTokens.push(session.accessToken)
    issued.refreshTokens.push(session.refreshToken)
    return session
  }

  it('signs in with the code from the console sender log line', async () => {
    firstSession = await signIn(true)
  })

  it('answers `me` for a valid bearer token, null without one or with a tampered one', async () => {
    const client = graphqlClient(server.baseUrl)
    const me = await client.me(firstSession.accessToken)
    expect(me.status).toBe(200)
    expect(me.body.errors).toBeUndefined()
    expect(me.body.data.me).toMatchObject({ id: firstSession.user.id, phone })

    const anonymous = await client.me()
    expect(anonymous.body).toEqual({ data: { me: null } })

    const badSignature = await client.me(tamperSignature(firstSession.accessToken))
    expect(badSignature.body).toEqual({ data: { me: null } })

    // A payload naming someone else, under the original signature.
    const [header, payload, signature] = firstSession.accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: `${claims.sub}0` })).toString('base64url')
    const badPayload = await client.me(`${header}.${forged}.${signature}`)
    expect(badPayload.body).toEqual({ data: { me: null } })
  })

  it('serves /healthz, /readyz and a JWKS whose one Ed25519 key signed the token', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200)
    const ready = await fetch(`${server.baseUrl}/readyz`)
    expect(ready.status).toBe(200)

    const jwksResponse = await fetch(`${server.baseUrl}/.well-known/jwks.json`)
    expect(jwksResponse.status).toBe(200)
    const jwks = (await jwksResponse.json()) as { keys: Record<string, unknown>[] }
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(jwks.keys[0]).not.toHaveProperty('d')
    const header = jwtHeader(firstSession.accessToken)
    expect(header.alg).toBe('EdDSA')
    expect(header.kid).toBe(jwks.keys[0]!.kid)
  })

  it('serves GraphiQL for a browser, with nothing loaded from another host', async () => {
    const response = await fetch(`${server.baseUrl}/graphql`, { headers: { accept: 'text/html' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    const html = await response.text()
    expect(html).toMatch(/graphiql/i)
    expect(externalReferences(html, server.baseUrl)).toEqual([])
  })

  it('exits 0 on SIGTERM', async () => {
    const code = await server.stop('SIGTERM')
    expect(code).toBe(0)
    earlierLogs += server.logs()
  })

  it('keeps the user and the signing key across a restart on the same DATA_DIR', async () => {
    await start()
    const client = graphqlClient(server.baseUrl)

    const me = await client.me(firstSession.accessToken)
    expect(me.body.errors).toBeUndefined()
    expect(me.body.data.me).toMatchObject({ id: firstSession.user.id, phone })

    const again = await signIn(false)
    expect(again.user.id).toBe(firstSession.user.id)
    expect(jwtHeader(again.accessToken).kid).toBe(jwtHeader(firstSession.accessToken).kid)
  })

  it('never writes a token to the log; a code only in the console sender line', async () => {
    const code = await server.stop('SIGTERM')
    expect(code).toBe(0)
    const logs = allLogs()
    for (const token of [...issued.accessTokens, ...issued.refreshTokens]) {
      expect(linesContaining(logs, token)).toEqual([])
    }
    // The signature alone, and the secret half of a refresh token, would be as bad.
    for (const token of issued.accessTokens) expect(linesContaining(logs, token.split('.')[2]!)).toEqual([])
    for (const token of issued.refreshTokens) {
      const secret = token.slice(token.lastIndexOf('.') + 1)
      expect(secret.length).toBeGreaterThanOrEqual(20)
      expect(linesContaining(logs, secret)).toEqual([])
    }
    for (const otp of issued.codes) {
      const lines = linesWithNumber(logs, otp)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/console sender/)
    }
  })
})

/**
 * Every src/href of the page's tags and every url() of its style sheets that points
 * at another host (absolute or protocol-relative). Script bodies are not markup and are
 * checked only for well-known CDN hosts.
 */
function externalReferences(html: string, ownOrigin: string): string[] {
  const found: string[] = []
  const isExternal = (reference: string) => {
    const value = reference.trim()
    if (!/^(https?:)?\/\//i.test(value)) return false
    return !value.startsWith(`${ownOrigin}/`) && value !== ownOrigin
  }
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '')
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>').replace(/(<style\b[^>]*>)[\s\S]*?<\/style>/gi, '$1</style>')
  for (const tag of markup.match(/<[a-z][^>]*>/gi) ?? []) {
    for (const m of tag.matchAll(/\b(src|href|srcset|action|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const value = m[2] ?? m[3] ?? m[4] ?? ''
      const candidates = m[1]!.toLowerCase() === 'srcset' ? value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [value]
      for (const candidate of candidates) if (isExternal(candidate)) found.push(`${tag.slice(0, 80)}: ${candidate}`)
    }
  }
  for (const css of styles) {
    for (const m of css.matchAll(/url\(\s*["']?([^"')]*)/gi)) if (isExternal(m[1] ?? '')) found.push(`style url(): ${m[1]}`)
    for (const m of css.matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]*)/gi)) if (isExternal(m[1] ?? '')) found.push(`style @import: ${m[1]}`)
  }
  for (const cdn of ['unpkg.com', 'cdn.jsdelivr.net', 'esm.sh', 'cdnjs.cloudflare.com', 'fonts.googleapis.com', 'fonts.gstatic.com', 'cdn.skypack.dev']) {
    if (html.includes(cdn)) found.push(`mentions ${cdn}`)
  }
  return found
}
