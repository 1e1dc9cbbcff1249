import { describe, expect, it } from 'vitest'
import { DomainError, InvalidPhoneError } from '../../src/auth/errors.ts'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { destinationPrefix, normalisePhone, regionOf, type PhonePolicy } from '../../src/auth/phone.ts'

const india: PhonePolicy = { defaultCountry: 'IN', allowedCountries: new Set(['IN']) }
const everywhere: PhonePolicy = { defaultCountry: 'IN', allowedCountries: '*' }

/** The InvalidPhoneError that normalising `input` throws; fails the test if it does not. */
function refusal(input: string, policy: PhonePolicy = india): InvalidPhoneError {
  try {
    normalisePhone(input, policy)
  } catch (error) {
    if (error instanceof InvalidPhoneError) return error
    throw error
  }
  throw new Error(`expected '${input}' to be refused`)
}

describe('normalisePhone', () => {
  it('keeps an E.164 number as it is', () => {
    expect(normalisePhone('+919812345678', india)).toEqual({ e164: '+919812345678', country: 'IN' })
  })

  it('reads a number without + in the default country', () => {
    expect(normalisePhone('9812345678', india).e164).toBe('+919812345678')
    expect(normalisePhone('(415) 555-2671', { defaultCountry: 'US', allowedCountries: '*' }).e164).toBe('+14155552671')
  })

  it('reads a national number with its trunk prefix 0', () => {
    expect(normalisePhone('098123 45678', india).e164).toBe('+919812345678')
  })

  it.each(['+91 98123 45678', '+91-98123-45678', '+91 (98123) 456-78', '  +91 9812345678  ', '+91.98123.45678'])(
    'ignores spaces, dashes, dots and brackets in %j',
    (input) => {
      expect(normalisePhone(input, india).e164).toBe('+919812345678')
    },
  )

  it.each(['+91 12345', '12', '+999 123456789', '+91 0000000000', '+', '', '   '])('refuses the invalid number %j', (input) => {
    expect(refusal(input)).toBeInstanceOf(InvalidPhoneError)
  })

  it.each(['98123abcde', '1-800-FLOWERS', '+91 98123 45678 ext 9', '+91 98123 45678;', '+91\u000098123'])(
    'refuses %j because it holds characters other than digits and separators',
    (input) => {
      expect(refusal(input, everywhere).message).toMatch(/only digits/)
    },
  )

  it.each([
    ['Arabic-Indic', '\u0669\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668'],
    ['Devanagari', '\u096f\u096e\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e'],
    ['full-width', '+91 98123 4567\uff18'],
  ])('refuses %s digits instead of reading them as ASCII digits', (_script, input) => {
    expect(refusal(input, everywhere)).toBeInstanceOf(InvalidPhoneError)
  })

  it('refuses a 10 kB string quickly', () => {
    const started = performance.now()
    expect(refusal('9'.repeat(10_000), everywhere)).toBeInstanceOf(InvalidPhoneError)
    expect(refusal('+91 ' + '1-'.repeat(5_000), everywhere)).toBeInstanceOf(InvalidPhoneError)
    expect(performance.now() - started).toBeLessThan(100)
  })

  it("accepts a number from any country when the allowlist is '*'", () => {
    expect(normalisePhone('+1 415 555 2671', everywhere)).toEqual({ e164: '+14155552671', country: 'US' })
  })

  it('accepts a number from every country in the allowlist set', () => {
    const policy: PhonePolicy = { defaultCountry: 'IN', allowedCountries: new Set(['IN', 'US']) }
    expect(normalisePhone('+1 415 555 2671', policy).country).toBe('US')
    expect(normalisePhone('9812345678', policy).country).toBe('IN')
  })

  it('refuses a valid number from a country outside the allowlist, saying the country is not served', () => {
    expect(refusal('+1 415 555 2671').message).toMatch(/country are not served/)
  })

  it('refuses a non-geographic number unless every country is allowed', () => {
    expect(refusal('+800 1234 5678').message).toMatch(/not served/)
  })

  it('throws an InvalidPhoneError, a DomainError with code INVALID_PHONE', () => {
    const error = refusal('not a phone')
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({ name: 'InvalidPhoneError', code: 'INVALID_PHONE' })
  })
})

describe('destinationPrefix', () => {
  // Read without parsing; it must agree with what a full parse of the number says.
  it.each([
    ['India', '+919812345678'],
    ['the United States', '+12025550123'],
    ['the United Kingdom', '+447911123456'],
    ['Italy, whose numbers keep their leading zero', '+390612345678'],
    ['Russia, sharing +7 with Kazakhstan', '+79161234567'],
    ['the United Arab Emirates (a three-digit code)', '+971501234567'],
    ['Bangladesh (a three-digit code)', '+8801712345678'],
    ['a non-geographic number (+800)', '+80012345678'],
  ])('groups a number of %s as a full parse does', (_label, e164) => {
    const parsed = parsePhoneNumberFromString(e164)!
    expect(destinationPrefix(e164, 4)).toBe(`+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, 4)}`)
  })

  it('names the region of a number for metrics', () => {
    expect(regionOf('+919812345678')).toBe('IN')
    expect(regionOf('+80012345678')).toBe('unknown')
  })
})
