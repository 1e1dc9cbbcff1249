import { describe, expect, it } from 'vitest'
import { parseTrustProxy } from '../../src/config/parsers.ts'
import { clientIp, ipLimitKey } from '../../src/net/client-ip.ts'

/** Addresses from the documentation ranges: a client, an attacker's forged entry, proxies. */
const client = '203.0.113.7'
const spoofed = '198.51.100.66'
const proxyA = '10.0.0.2'
const proxyB = '10.0.0.3'

const trust = parseTrustProxy

describe('clientIp with TRUST_PROXY=0', () => {
  it('uses the socket address and ignores a spoofed X-Forwarded-For', () => {
    expect(clientIp(client, spoofed, trust('0'))).toBe(client)
  })

  it('reads an IPv4-mapped IPv6 socket address as IPv4', () => {
    expect(clientIp(`::ffff:${client}`, null, trust('0'))).toBe(client)
  })

  it('keeps a plain IPv6 socket address', () => {
    expect(clientIp('2001:db8::7', undefined, trust('0'))).toBe('2001:db8::7')
  })
})

describe('clientIp with a hop count', () => {
  it('takes the rightmost entry as the client behind one proxy', () => {
    expect(clientIp(proxyA, client, trust('1'))).toBe(client)
  })

  it('ignores an attacker-supplied leftmost entry behind one proxy', () => {
    expect(clientIp(proxyA, `${spoofed}, ${client}`, trust('1'))).toBe(client)
  })

  it('never lets an entry that is not an address shift a spoofed entry into the trusted place', () => {
    expect(clientIp(proxyA, `${spoofed}, garbage`, trust('1'))).toBe(proxyA)
  })

  it('reads an ip:port entry as its address', () => {
    expect(clientIp(proxyA, `${spoofed}, ${client}:51234`, trust('1'))).toBe(client)
  })

  it('takes the second entry from the right behind two proxies', () => {
    expect(clientIp(proxyB, `${spoofed}, ${client}, ${proxyA}`, trust('2'))).toBe(client)
  })

  it('falls back to the socket address when the header is missing', () => {
    expect(clientIp(proxyA, null, trust('1'))).toBe(proxyA)
  })

  it('reads an IPv4-mapped entry in the header as IPv4', () => {
    expect(clientIp(proxyA, `::ffff:${client}`, trust('1'))).toBe(client)
  })
})

describe('clientIp with trusted proxy CIDRs', () => {
  const proxies = trust('10.0.0.0/8, 2001:db8:ffff::/48')

  it('walks right to left through trusted proxies to the first untrusted address', () => {
    expect(clientIp(proxyB, `${client}, ${proxyA}`, proxies)).toBe(client)
  })

  it('stops at an entry that is not an address instead of skipping it', () => {
    expect(clientIp(proxyA, `${spoofed}, unknown`, proxies)).toBe(proxyA)
  })

  it('ignores spoofed entries to the left of the first untrusted address', () => {
    expect(clientIp(proxyB, `${spoofed}, 10.9.9.9, ${client}, ${proxyA}`, proxies)).toBe(client)
  })

  it('uses the socket address when the peer itself is not a trusted proxy', () => {
    expect(clientIp(client, spoofed, proxies)).toBe(client)
  })

  it('trusts IPv6 proxies inside an IPv6 CIDR', () => {
    expect(clientIp('2001:db8:ffff::1', `${spoofed}, 2001:db8:1::9`, proxies)).toBe('2001:db8:1::9')
  })

  it('matches an IPv4-mapped socket address against an IPv4 CIDR', () => {
    expect(clientIp(`::ffff:${proxyA}`, client, proxies)).toBe(client)
  })
})

describe('ipLimitKey', () => {
  it('leaves an IPv4 address unchanged', () => {
    expect(ipLimitKey(client)).toBe(client)
  })

  it.each(['2001:db8::1', '2001:db8:0:0:ffff::2', '2001:0DB8:0000:0000:1:2:3:4', '2001:db8::'])(
    'counts %s under the key of its /64',
    (address) => {
      expect(ipLimitKey(address)).toBe(ipLimitKey('2001:db8:0:0::abcd'))
    },
  )

  it('gives different /64s different keys', () => {
    const keys = ['2001:db8::1', '2001:db8:0:1::1', '2001:db8:1::1', '2001:db9::1'].map(ipLimitKey)
    expect(new Set(keys).size).toBe(4)
  })
})
