import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { codeDigest, cryptoRandom, generateCode, isWellFormedCode, type RandomSource } from '../../src/auth/otp.ts'

/** A random source that replays `digits` and records every bound it was asked for. */
function replay(digits: number[]): RandomSource & { bounds: number[] } {
  const bounds: number[] = []
  let next = 0
  return {
    bounds,
    int(maxExclusive) {
      bounds.push(maxExclusive)
      const value = digits[next++ % digits.length]
      if (value === undefined) throw new Error('replay needs at least one digit')
      return value
    },
    bytes: () => {
      throw new Error('codes are made of digits, not bytes')
    },
  }
}

const secret = Buffer.alloc(32, 0x11)
const otherSecret = Buffer.alloc(32, 0x22)
const phone = '+919812345678'

describe('generateCode', () => {
  it.each([6, 8, 10])('gives %i ASCII digits', (length) => {
    expect(generateCode(length, cryptoRandom)).toMatch(new RegExp(`^[0-9]{${length}}$`))
  })

  it('builds the code from the injected random source, one digit per draw in 0..9', () => {
    const random = replay([4, 0, 9, 1, 7, 3])
    expect(generateCode(6, random)).toBe('409173')
    expect(random.bounds).toEqual([10, 10, 10, 10, 10, 10])
  })

  it('keeps leading zeros', () => {
    expect(generateCode(6, replay([0, 0, 0, 0, 4, 2]))).toBe('000042')
  })
})

describe('codeDigest', () => {
  it('is HMAC-SHA256(secret, phone + NUL + code) in hex', () => {
    const expected = createHmac('sha256', secret).update(`${phone}\u0000123456`).digest('hex')
    expect(codeDigest(secret, { phone }, '123456')).toBe(expected)
  })

  it('differs for the same code sent to another phone', () => {
    expect(codeDigest(secret, { phone }, '123456')).not.toBe(codeDigest(secret, { phone: '+919812345679' }, '123456'))
  })

  it('differs under another secret', () => {
    expect(codeDigest(secret, { phone }, '123456')).not.toBe(codeDigest(otherSecret, { phone }, '123456'))
  })

  it('separates phone and code so a digit moved across them changes the digest', () => {
    expect(codeDigest(secret, { phone: '+91981234567' }, '8123456')).not.toBe(codeDigest(secret, { phone: '+919812345678' }, '123456'))
  })

  it('binds a change code to its user, session and number: it never equals the sign-in digest or another session\'s', () => {
    const change = { userId: 'u1', sessionId: 's1' }
    const digest = codeDigest(secret, { phone, change }, '123456')
    expect(digest).not.toBe(codeDigest(secret, { phone }, '123456'))
    expect(digest).not.toBe(codeDigest(secret, { phone, change: { ...change, sessionId: 's2' } }, '123456'))
    expect(digest).not.toBe(codeDigest(secret, { phone, change: { ...change, userId: 'u2' } }, '123456'))
    expect(digest).toBe(codeDigest(secret, { phone, change: { ...change } }, '123456'))
  })

  it.each(['123456', '000000', '9876543210'])('never contains the code %s', (code) => {
    expect(codeDigest(secret, { phone }, code)).not.toContain(code)
  })
})

describe('isWellFormedCode', () => {
  it.each([
    ['123456', 6, true],
    ['0000000000', 10, true],
    ['12345', 6, false],
    ['1234567', 6, false],
    ['12345a', 6, false],
    [' 12345', 6, false],
    ['١٢٣٤٥٦', 6, false],
    ['', 6, false],
  ])('judges %j for length %i as %s', (code, length, expected) => {
    expect(isWellFormedCode(code, length)).toBe(expected)
  })
})
