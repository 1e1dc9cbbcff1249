import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import { InvalidPhoneError } from './errors.ts'

/** The longest input worth parsing; E.164 is at most 16 characters with the '+'. */
const maxPhoneInputLength = 64

export interface PhonePolicy {
  defaultCountry: string
  allowedCountries: '*' | ReadonlySet<string>
}

export interface NormalisedPhone {
  e164: string
  country: string | undefined
}

/**
 * Reads what a person typed ("+91 98123-45678", "098123 45678") as E.164. Numbers
 * without '+' are read in the default country, as the original module assumed +91.
 */
export function normalisePhone(input: string, policy: PhonePolicy): NormalisedPhone {
  if (input.length > maxPhoneInputLength) throw new InvalidPhoneError('The phone number is too long.')
  // Only ASCII digits count: other scripts' digits would otherwise be read as numbers
  // that the person never saw written that way.
  if (!/^[+\d\s\-().]*$/.test(input.trim()) || !/\d/.test(input)) {
    throw new InvalidPhoneError('A phone number may hold only digits, spaces, dashes, brackets and a leading +.')
  }
  const parsed = parsePhoneNumberFromString(input.trim(), policy.defaultCountry as CountryCode)
  if (!parsed || !parsed.isValid()) throw new InvalidPhoneError()
  const country = parsed.country
  if (policy.allowedCountries !== '*' && (!country || !policy.allowedCountries.has(country))) {
    throw new InvalidPhoneError('Phone numbers from this country are not served.')
  }
  return { e164: parsed.number, country }
}

/** Test numbers are compared in this form so "+1 555-555-0100" matches "+15555550100". */
export function canonicalTestNumber(raw: string): string {
  return raw.replace(/[\s\-().]/g, '')
}

/**
 * The destination range a number belongs to, for the SMS-pumping guard: country calling
 * code plus the first `digits` national digits (+91 9812… → +919812), and its region
 * (for metrics: a closed set, never a number).
 */
export function destinationPrefix(e164: string, digits: number): { prefix: string; country: string } {
  const parsed = parsePhoneNumberFromString(e164)
  if (!parsed) return { prefix: e164.slice(0, 3 + digits), country: 'unknown' }
  return { prefix: `+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, digits)}`, country: parsed.country ?? 'unknown' }
}
