import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import phoneMetadata from 'libphonenumber-js/metadata.max.json'
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

// Every country calling code, geographic (+91) and not (+800).
const callingCodes = new Set([...Object.keys(phoneMetadata.country_calling_codes), ...Object.keys(phoneMetadata.nonGeographic)])

/**
 * The destination range a number belongs to, for the SMS-pumping guard: country calling
 * code plus the first `digits` national digits (+91 9812… → +919812). Calling codes are
 * prefix-free (E.164), so the first one to three digits that form one are the number's
 * own: no parse is needed, and this runs on every code sent and every code verified.
 */
export function destinationPrefix(e164: string, digits: number): string {
  for (let length = 1; length <= 3; length++) {
    const code = e164.slice(1, 1 + length)
    if (callingCodes.has(code)) return `+${code}${e164.slice(1 + length, 1 + length + digits)}`
  }
  return e164.slice(0, 3 + digits)
}

/** A number's region, for metrics (a closed set, never a number). */
export function regionOf(e164: string): string {
  return parsePhoneNumberFromString(e164)?.country ?? 'unknown'
}
