import { BlockList, isIP } from 'node:net'

/** How far `X-Forwarded-For` may be believed (TRUST_PROXY). */
export type TrustProxy =
  | { kind: 'socket' }
  | { kind: 'hops'; hops: number }
  | { kind: 'cidrs'; trusted: BlockList; text: string }

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

/** Test numbers are compared in this form so "+1 555-555-0100" matches "+15555550100". */
export function canonicalTestNumber(raw: string): string {
  return raw.replace(/[\s\-().]/g, '')
}

export function parseTestPhoneNumbers(text: string | undefined, otpLength: number, problems: string[]): ReadonlyMap<string, string> {
  const numbers = new Map<string, string>()
  if (text === undefined) return numbers
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^(\+?[\d\s\-().]+):(\d+)$/.exec(entry)
    if (!match) {
      problems.push(`TEST_PHONE_NUMBERS: '${entry.replace(/:.*/, ':…')}' is not <number>:<code>`)
      continue
    }
    const [, number = '', code = ''] = match
    if (code.length !== otpLength) problems.push(`TEST_PHONE_NUMBERS: the code of ${number} must have OTP_LENGTH (${otpLength}) digits`)
    numbers.set(canonicalTestNumber(number), code)
  }
  return numbers
}
