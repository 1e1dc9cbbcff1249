import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { cryptoRandom, type RandomSource } from '../../src/auth/otp.ts'
import { issueRefreshToken, parseRefreshToken } from '../../src/auth/refresh-token.ts'

const sessionId = '3f2b8c1e-7d4a-4b6e-9f10-2a3b4c5d6e7f'
const sha256 = (text: string) => createHash('sha256').update(text).digest()

/** A random source whose bytes are fixed, so the secret is known in advance. */
function fixedBytes(fill: number): RandomSource {
  return { int: () => 0, bytes: (count) => Buffer.alloc(count, fill) }
}

describe('issueRefreshToken', () => {
  it('gives <sessionId>.<43-character base64url secret>', () => {
    expect(issueRefreshToken(sessionId, cryptoRandom).token).toMatch(new RegExp(`^${sessionId}\\.[A-Za-z0-9_-]{43}$`))
  })

  it('draws the secret from 32 bytes of the injected random source', () => {
    const { token } = issueRefreshToken(sessionId, fixedBytes(0xab))
    expect(token).toBe(`${sessionId}.${Buffer.alloc(32, 0xab).toString('base64url')}`)
  })

  it('gives a different secret each time with cryptoRandom', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => issueRefreshToken(sessionId, cryptoRandom).token))
    expect(secrets.size).toBe(20)
  })

  it('stores SHA-256 of the secret as secretHash', () => {
    const { token, secretHash } = issueRefreshToken(sessionId, cryptoRandom)
    expect(secretHash).toEqual(sha256(token.split('.')[1]!))
  })

  it('keeps the secret out of secretHash', () => {
    const { token, secretHash } = issueRefreshToken(sessionId, fixedBytes(0x5a))
    const secret = token.split('.')[1]!
    expect(secretHash.includes(Buffer.from(secret))).toBe(false)
    expect(secretHash.includes(Buffer.alloc(32, 0x5a))).toBe(false)
    expect(secretHash.toString('hex')).not.toContain(secret)
  })
})

describe('parseRefreshToken', () => {
  it('reads back the session id and secret hash of a token it issued', () => {
    const issued = issueRefreshToken(sessionId, cryptoRandom)
    expect(parseRefreshToken(issued.token)).toEqual({ sessionId, secretHash: issued.secretHash })
  })

  const secret = Buffer.alloc(32, 1).toString('base64url')
  it.each([
    ['no dot', `${sessionId}${secret}`],
    ['a session id that is not a uuid', `not-a-uuid.${secret}`],
    ['a session id with a trailing character', `${sessionId}0.${secret}`],
    ['a secret one character short', `${sessionId}.${secret.slice(1)}`],
    ['a secret one character long', `${sessionId}.${secret}A`],
    ['a secret outside base64url', `${sessionId}.${secret.slice(2)}+/`],
    ['an extra dot', `${sessionId}.${secret}.${secret}`],
    ['a dot inside the secret', `${sessionId}.${secret.slice(0, 20)}.${secret.slice(21)}`],
    ['10 kB of text', `${sessionId}.${'A'.repeat(10_000)}`],
    ['an empty string', ''],
    ['a lone dot', '.'],
  ])('returns null for a token with %s', (_label, token) => {
    expect(parseRefreshToken(token)).toBeNull()
  })
})
