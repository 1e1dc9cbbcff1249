import { isIP, type BlockList } from 'node:net'

/** How far `X-Forwarded-For` may be believed (TRUST_PROXY; parsed in src/config/). */
export type TrustProxy =
  | { kind: 'socket' }
  | { kind: 'hops'; hops: number }
  | { kind: 'cidrs'; trusted: BlockList; text: string }

/**
 * The client's address for rate limits. `X-Forwarded-For` is believed only as far as
 * TRUST_PROXY allows: anyone can send that header, so trusting it blindly would let an
 * attacker claim a fresh address (and a fresh budget) on every request.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | null | undefined, trust: TrustProxy): string {
  const socket = stripMapped(socketAddress ?? '') || 'unknown'
  if (trust.kind === 'socket' || !forwardedFor) return socket
  // Right to left: each entry was appended by the hop in front of the one after it.
  // Entries that are not addresses are kept in place (as undefined) so that junk can
  // never shift an attacker's entry into a trusted position.
  const hops = forwardedFor.split(',').map((entry) => readAddress(entry))
  if (trust.kind === 'hops') {
    // The socket peer is the nearest proxy; trusting N hops means reading N-1 header
    // entries from the right to reach the address that proxy N saw.
    const entry = hops[Math.max(0, hops.length - trust.hops)]
    return entry ?? socket
  }
  let current = socket
  for (let i = hops.length - 1; i >= 0; i--) {
    const entry = hops[i]
    if (!isTrusted(current, trust.trusted) || entry === undefined) return current
    current = entry
  }
  // Every hop was a trusted proxy: the leftmost entry is the client.
  return current
}

/** An address from one X-Forwarded-For entry ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"). */
function readAddress(entry: string): string | undefined {
  let value = entry.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed?.[1]) value = bracketed[1]
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'))
  value = stripMapped(value)
  return isIP(value) === 0 ? undefined : value
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address)
  if (family === 0) return false
  return trusted.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

function stripMapped(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/**
 * The key an address is counted under. One IPv6 subscriber usually holds a whole /64,
 * so counting single IPv6 addresses would hand out 2^64 budgets.
 */
export function ipLimitKey(address: string): string {
  if (isIP(address) !== 6) return address
  const groups = expandIpv6(address)
  return `${groups.slice(0, 4).join(':')}::/64`
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - headGroups.length - tailGroups.length
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups]
  return groups.map((g) => (g.includes('.') ? g : g.toLowerCase().replace(/^0+(?=.)/, '')))
}
