import { BlockList } from 'node:net'
import type { Logger } from '../observability/logger.ts'

const privateRanges = new BlockList()
for (const [address, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]] as const) {
  privateRanges.addSubnet(address, bits, 'ipv4')
}
privateRanges.addSubnet('fc00::', 7, 'ipv6')

/** Requests looked at before concluding that one private address sends everything. */
const sampleSize = 50

/**
 * With TRUST_PROXY=0 behind a proxy, every client shares the proxy's address — and its
 * per-IP budgets. When the first requests all come from one private address, that is
 * almost certainly the situation, so say it once in the log.
 */
export function createProxyHint(logger: Logger, trustProxyIsOff: boolean): (socketAddress: string | undefined) => void {
  let seen = 0
  let firstAddress: string | undefined
  let done = !trustProxyIsOff
  return (socketAddress) => {
    if (done || !socketAddress) return
    const address = socketAddress.replace(/^::ffff:/i, '')
    firstAddress ??= address
    if (address !== firstAddress || !isPrivate(address)) {
      done = true
      return
    }
    if (++seen < sampleSize) return
    done = true
    logger.warn({ address }, 'all traffic comes from one private address: behind a proxy, set TRUST_PROXY so per-IP limits see real clients')
  }
}

function isPrivate(address: string): boolean {
  return address.includes(':') ? privateRanges.check(address, 'ipv6') : privateRanges.check(address, 'ipv4')
}
