import { createPrivateKey } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import type { TrustProxy } from '../net/client-ip.ts'
import { canonicalTestNumber } from '../auth/phone.ts'


export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim()
  if (value === '' || value === '0' || value === 'false') return { kind: 'socket' }
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) }
  const trusted = new BlockList()
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address = '', bitsText] = entry.split('/')
    const family = isIP(address)
    if (family === 0) throw new Error(`TRUST_PROXY: '${entry}' is neither a hop count nor an IP or CIDR`)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    const maxBits = family === 6 ? 128 : 32
    const bits = bitsText === undefined ? maxBits : Number(bitsText)
    if (!Number.isInteger(bits) || bits < 0 || bits > maxBits) throw new Error(`TRUST_PROXY: bad prefix length in '${entry}'`)
    trusted.addSubnet(address, bits, type)
  }
  return { kind: 'cidrs', trusted, text: value }
}

export function parseTestPhoneNumbers(text: string | undefined, otpLength: number, problems: string[]): ReadonlyMap<string, string> {
  const numbers = new Map<string, string>()
  if (text === undefined) return numbers
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean)
  for (const [index, entry] of entries.entries()) {
    const match = /^(\+?[\d\s\-().]+):(\d+)$/.exec(entry)
    if (!match) {
      // The entry is not echoed: it may hold a code.
      problems.push(`TEST_PHONE_NUMBERS: entry ${index + 1} is not <number>:<digits>`)
      continue
    }
    const [, number = '', code = ''] = match
    if (code.length !== otpLength) problems.push(`TEST_PHONE_NUMBERS: the code of ${number} must have OTP_LENGTH (${otpLength}) digits`)
    numbers.set(canonicalTestNumber(number), code)
  }
  return numbers
}

/** PEM given on one line with `\n` escapes (common in .env files and CI secrets) is unescaped. */
export function pemText(text: string | undefined): string | undefined {
  return text?.replace(/\\n/g, '\n')
}

export function decodeSecret(text: string, problems: string[]): Buffer | undefined {
  const trimmed = text.trim()
  const bytes = /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64')
  if (bytes.length < 32) {
    problems.push('OTP_SECRET: must be at least 32 bytes, given as hex or base64')
    return undefined
  }
  return bytes
}

/**
 * WEBHOOK_SECRET: `whsec_` and the base64 of the HMAC key, as Standard Webhooks writes it.
 * A problem is reported without echoing the value.
 */
export function parseWebhookSecret(text: string | undefined, required: boolean, problems: string[]): Buffer | undefined {
  if (text === undefined) {
    if (required) problems.push('WEBHOOK_SECRET: required when WEBHOOK_URL is set (whsec_ and the base64 of 24 to 64 random bytes)')
    return undefined
  }
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(text.trim())
  const key = match ? Buffer.from(match[1]!, 'base64') : undefined
  if (!key || key.length < 24 || key.length > 64) {
    problems.push('WEBHOOK_SECRET: must be whsec_ followed by the base64 of 24 to 64 random bytes')
    return undefined
  }
  return key
}

/**
 * MSG91_WEBHOOK_TOKEN: the secret path segment of the delivery-report endpoint; two,
 * comma-separated, during a rotation. Reported without echoing them.
 */
export function parseWebhookTokens(text: string | undefined, problems: string[]): string[] {
  if (text === undefined) return []
  const tokens = text.split(',').map((token) => token.trim()).filter((token) => token !== '')
  if (tokens.length > 2 || tokens.some((token) => token.length < 32 || !/^[A-Za-z0-9._~-]+$/.test(token))) {
    problems.push('MSG91_WEBHOOK_TOKEN: one or two (comma-separated) tokens of at least 32 URL-safe characters')
    return []
  }
  return tokens
}

export function parseAllowedCountries(text: string | undefined, defaultCountry: string, problems: string[]): '*' | ReadonlySet<string> {
  if (text === undefined) return new Set([defaultCountry])
  if (text.trim() === '*') return '*'
  const regions = text.split(',').map((r) => r.trim().toUpperCase()).filter((r) => r !== '')
  const bad = regions.filter((r) => !/^[A-Z]{2}$/.test(r))
  if (bad.length > 0 || regions.length === 0) problems.push(`ALLOWED_COUNTRIES: expected '*' or two-letter regions, got '${text}'`)
  return new Set(regions)
}

export function parseClusterNodes(text: string | undefined, problems: string[]): { host: string; port: number }[] {
  if (text === undefined) return []
  return text.split(',').map((seed) => {
    const match = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(seed)
    const port = Number(match?.[2] ?? 0)
    if (!match || port < 1 || port > 65535) problems.push(`REDIS_CLUSTER_NODES: '${seed.trim()}' is not host:port`)
    return { host: match?.[1] ?? '', port }
  })
}

/** Why a PEM is not a usable Ed25519 signing key, or undefined when it is. */
export function privateKeyProblem(pem: string): string | undefined {
  try {
    const key = createPrivateKey(pem)
    return key.asymmetricKeyType === 'ed25519' ? undefined : `must be an Ed25519 key, not ${key.asymmetricKeyType}`
  } catch {
    return 'is not a PKCS#8 PEM private key'
  }
}

/**
 * CORS_ORIGINS: `*`, or origins such as `https://app.example.com` (scheme, host and a
 * port if not the default; no path). Unset: no cross-origin access at all.
 */
/** Origins allowed to call the API from a browser; `*` = any (the `null` origin never). */
export type CorsOrigins = '*' | ReadonlySet<string>

export function parseCorsOrigins(text: string | undefined, problems: string[]): CorsOrigins {
  if (text === undefined) return new Set()
  if (text.trim() === '*') return '*'
  const origins = new Set<string>()
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    let origin: string | undefined
    try {
      const url = new URL(entry)
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !entry.endsWith('/')
      if ((url.protocol === 'https:' || url.protocol === 'http:') && bare) origin = url.origin
    } catch {
      origin = undefined
    }
    if (origin) origins.add(origin)
    else problems.push(`CORS_ORIGINS: '${entry}' is not an origin such as https://app.example.com`)
  }
  return origins
}
