/**
 * Random HTTP requests for the edge fuzz test, from a seeded generator so that a failing
 * run can be replayed exactly (FUZZ_SEED). Mixes well-formed operations of the schema,
 * the same operations mutated token by token, and plain junk, over random methods,
 * paths, headers and query strings.
 */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

const operations = [
  'mutation R($phone: String!) { requestOtp(phone: $phone) { __typename ... on OtpSent { phone codeLength } ... on Error { code message } } }',
  'mutation V($phone: String!, $otp: String!) { verifyOtp(phone: $phone, otp: $otp) { __typename ... on AuthSession { sessionId } ... on InvalidOtpError { reason attemptsRemaining } ... on Error { code } } }',
  'mutation F($t: String!) { refreshSession(refreshToken: $t) { __typename ... on Error { code message } } }',
  'mutation { signOut(refreshToken: "x.y") }',
  'mutation { revokeOtherSessions }',
  'mutation { revokeSession(id: "00000000-0000-0000-0000-000000000000") }',
  'query { me { __typename id phone createdAt } }',
  'query { sessions { __typename id current } }',
  'query { __typename }',
  '{ __schema { types { name fields { name } } } }',
  'query Q { me { id } } query P { sessions { id } }',
  'fragment U on User { id phone } query { me { ...U ...U } }',
  'query { a: me { id } b: me { id } c: me { id } d: me { id } e: me { id } f: me { id } g: me { id } h: me { id } i: me { id } j: me { id } k: me { id } }',
  'query { me @include(if: true) @skip(if: false) { id } }',
  'subscription { me { id } }',
]

const junkTokens = ['{', '}', '(', ')', '$', '!', '...', '@', ':', '"', '#', '\\', 'on', 'query', 'mutation', '__schema', 'null', '1e999', '\u0000', '\u202e', '😀', ' ', '\n']

const variableValues: unknown[] = [
  '+919812345678', '9812345678', '', ' ', '12', '+1 (555) 555-0100', '٩٨١٢٣٤٥٦٧٨', '9'.repeat(10_000), '123456', 'abcdef', '1e3', null, 0, -1, 1.5, true, [], {}, ['+919812345678'], { $gt: '' },
]

const accepts = ['application/json', 'application/graphql-response+json', '*/*', 'text/html', 'text/event-stream', 'multipart/mixed', 'application/xml', 'nonsense', '']
const contentTypes = ['application/json', 'application/json; charset=utf-8', 'application/graphql', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=z', 'application/graphql-response+json', '']
const methods = ['POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']
const paths = ['/graphql', '/graphql', '/graphql', '/graphql/', '/GRAPHQL', '/graphql/x', '//graphql', '/healthz', '/readyz', '/.well-known/jwks.json', '/metrics', '/', '/nope', '/graphql%00', '/graphql?']

/** `jsonPosts`: mostly JSON POSTs to /graphql, the requests the direct path may take. */
export function fuzzRequestGenerator(random: () => number, options: { jsonPosts?: boolean } = {}) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const chance = (p: number) => random() < p

  function mutate(text: string): string {
    let out = text
    const edits = 1 + Math.floor(random() * 4)
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(random() * (out.length + 1))
      const kind = random()
      if (kind < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8))
      else if (kind < 0.8) out = out.slice(0, at) + pick(junkTokens) + out.slice(at)
      else out = out.slice(0, at) + out.slice(at).split('').reverse().join('')
    }
    return out
  }

  function nested(depth: number): string {
    return depth === 0 ? 'id' : `me { ${nested(depth - 1)} }`
  }

  function document(): string {
    const roll = random()
    if (roll < 0.45) return pick(operations)
    if (roll < 0.8) return mutate(pick(operations))
    if (roll < 0.87) return `query { ${nested(2 + Math.floor(random() * 12))} }`
    if (roll < 0.93) return `query { ${Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => `f${i}: __typename`).join(' ')} }`
    return Array.from({ length: Math.floor(random() * 200) }, () => pick(junkTokens)).join('')
  }

  function variables(): unknown {
    if (chance(0.1)) return pick(['x', 5, [], null, true])
    return { phone: pick(variableValues), otp: pick(variableValues), t: pick(variableValues) }
  }

  function jsonOrJunk(value: unknown): string {
    if (chance(0.15)) return pick(['{', '[1,', '"x', 'nul', '{"a":}', '\u0000', '{"__proto__":{"x":1}}'])
    return JSON.stringify(value) ?? 'null'
  }

  function queryString(): string {
    const params = new URLSearchParams()
    if (chance(0.85)) params.set('query', document())
    if (chance(0.5)) params.set('variables', jsonOrJunk(variables()))
    if (chance(0.2)) params.set('extensions', jsonOrJunk({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }))
    if (chance(0.2)) params.set('operationName', pick(['R', 'V', 'Q', 'P', 'Nobody', '', '__proto__']))
    if (chance(0.1)) params.set('documentId', pick(['sha256:abc', 'a'.repeat(64), '']))
    return params.toString()
  }

  function body(contentType: string): string {
    if (chance(0.08)) return Array.from({ length: Math.floor(random() * 300) }, () => String.fromCharCode(Math.floor(random() * 256))).join('')
    if (contentType === 'application/graphql') return document()
    if (contentType.startsWith('application/x-www-form-urlencoded')) return queryString()
    const payload: Record<string, unknown> = {}
    if (chance(0.9)) payload.query = chance(0.05) ? 42 : document()
    if (chance(0.6)) payload.variables = variables()
    if (chance(0.15)) payload.operationName = pick(['R', 'V', 'Nobody', 7])
    if (chance(0.1)) payload.extensions = chance(0.5) ? 'x' : { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } }
    if (chance(0.05)) payload.documentId = pick(['x', 5, 'c'.repeat(64)])
    if (chance(0.05)) payload.unexpected = true
    if (chance(0.05)) return JSON.stringify([payload, payload])
    return jsonOrJunk(payload)
  }

  function headers(): Record<string, string> {
    const result: Record<string, string> = {}
    const accept = pick(accepts)
    if (accept) result.accept = accept
    if (chance(0.3)) result.authorization = pick(['Bearer ', 'Bearer x.y.z', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Basic YTpi', 'bearer  ', 'Bearer ' + 'a'.repeat(3000)])
    if (chance(0.2)) result['x-forwarded-for'] = pick(['1.2.3.4', 'junk, 5.6.7.8', '::1', ', , ,', '999.1.1.1'])
    if (chance(0.1)) result['x-request-id'] = pick(['ok-request-id-1', '<script>', 'a'.repeat(500)])
    if (chance(0.1)) result.origin = pick(['https://evil.test', 'null', 'http://127.0.0.1'])
    return result
  }

  return function next(): FuzzRequest {
    const focused = options.jsonPosts === true && chance(0.85)
    const method = focused ? 'POST' : pick(methods)
    const basePath = focused ? '/graphql' : pick(paths)
    const withQuery = method === 'GET' || chance(0.1)
    const path = withQuery && basePath.startsWith('/graphql') ? `${basePath.replace(/\?$/, '')}?${queryString()}` : basePath
    const request: FuzzRequest = { method, path, headers: headers() }
    if (method !== 'GET' && method !== 'HEAD' && chance(0.95)) {
      const contentType = focused ? 'application/json' : pick(contentTypes)
      if (contentType) request.headers['content-type'] = contentType
      request.body = body(contentType)
    }
    return request
  }
}
