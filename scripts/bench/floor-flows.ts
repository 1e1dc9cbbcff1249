import { createHmac, randomInt, randomUUID } from 'node:crypto'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import type pg from 'pg'
import type { FloorStore } from './floor-redis.ts'
import { signIn } from './floor-sql.ts'
import type { msg91Sender } from './floor-sms.ts'
import { newRefreshToken, type floorTokens } from './floor-tokens.ts'
import { floorLimits } from './limits.ts'

/**
 * The floor's three operations. Each check is one the service makes too, in the same
 * order: the address's budget before anything touches the phone's keys, the pumping
 * guard before a code is stored, the code before the database.
 */

export interface FloorContext {
  store: FloorStore
  pool: pg.Pool
  tokens: Awaited<ReturnType<typeof floorTokens>>
  sms: ReturnType<typeof msg91Sender>
  otpSecret: Buffer
}

export interface Client {
  ip: string
  userAgent: string | null
}

/** An answer other than 200: the HTTP status and a machine-readable code. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code)
  }
}

const { otp, phone: phonePolicy, pumping } = floorLimits

export async function requestOtp(context: FloorContext, body: Record<string, unknown>, client: Client): Promise<unknown> {
  const { phone, range } = readPhone(body.phone)
  const { store } = context
  if (!(await store.ipMaySend(client.ip))) throw new Refusal(429, 'RATE_LIMITED')
  if (!(await store.prefixMaySend(range, phone))) throw new Refusal(429, 'RATE_LIMITED')
  const code = String(randomInt(10 ** otp.length)).padStart(otp.length, '0')
  if ((await store.storeCode(phone, codeDigest(context.otpSecret, phone, code))) !== 'STORED') throw new Refusal(429, 'RATE_LIMITED')
  await context.sms.send(phone, code).catch(() => Promise.reject(new Refusal(502, 'SMS_DELIVERY_FAILED')))
  return { phone, expiresInSeconds: otp.ttlSeconds, resendAfterSeconds: otp.resendCooldownSeconds }
}

export async function verifyOtp(context: FloorContext, body: Record<string, unknown>, client: Client): Promise<unknown> {
  const { phone, range } = readPhone(body.phone)
  const { store } = context
  if (typeof body.code !== 'string' || body.code.length !== otp.length || !/^[0-9]+$/.test(body.code)) throw new Refusal(400, 'INVALID_OTP')
  if (!(await store.ipMayGuess(client.ip))) throw new Refusal(429, 'RATE_LIMITED')
  const outcome = await store.checkCode(phone, codeDigest(context.otpSecret, phone, body.code))
  if (outcome === 'INCORRECT') await store.countIpFailure(client.ip)
  if (outcome !== 'OK') throw new Refusal(outcome === 'LIMITED' ? 429 : 400, outcome === 'LIMITED' ? 'RATE_LIMITED' : 'INVALID_OTP')
  const now = new Date()
  const sessionId = randomUUID()
  const refresh = newRefreshToken(sessionId)
  const expiresAt = new Date(now.getTime() + floorLimits.sessionSeconds * 1000)
  const session = { newUserId: randomUUID(), phone, now, sessionId, secretHash: refresh.secretHash, expiresAt, ...client, eventId: randomUUID() }
  // The guard's count is bookkeeping: it runs beside the statement and never fails the sign-in.
  const [user] = await Promise.all([signIn(context.pool, session), store.countVerified(range, phone).catch(() => undefined)])
  const accessToken = await context.tokens.sign({ userId: user.userId, sessionId }, now)
  return { accessToken, refreshToken: refresh.token, userId: user.userId, isNewUser: user.isNew }
}

export async function me(context: FloorContext, authorization: string | undefined): Promise<unknown> {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null
  const claims = match?.[1] ? await context.tokens.verify(match[1]) : null
  if (!claims || (await context.store.isRevoked(claims.sessionId))) return { me: null }
  return { me: { id: claims.userId } }
}

/** E.164 and the pumping guard's range (+91 9812… → +919812) from one parse. */
function readPhone(input: unknown): { phone: string; range: string } {
  if (typeof input !== 'string' || input.length > 64 || !/^[+\d\s\-().]*\d[+\d\s\-().]*$/.test(input.trim())) throw new Refusal(400, 'INVALID_PHONE')
  const parsed = parsePhoneNumberFromString(input.trim(), phonePolicy.defaultCountry as CountryCode)
  if (!parsed?.isValid() || !(phonePolicy.allowedCountries as readonly string[]).includes(parsed.country ?? '')) throw new Refusal(400, 'INVALID_PHONE')
  return { phone: parsed.number, range: `+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, pumping.prefixDigits)}` }
}

/** HMAC-SHA256 under the OTP key over the phone and the code: all that Redis ever holds of a code. */
function codeDigest(secret: Buffer, phone: string, code: string): string {
  return createHmac('sha256', secret).update(phone).update('\u0000').update(code).digest('hex')
}
