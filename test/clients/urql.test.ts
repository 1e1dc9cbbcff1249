import { Client, cacheExchange, fetchExchange, type CombinedError } from '@urql/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DeleteAccountDocument,
  MeDocument,
  ReauthenticateDocument,
  RefreshSessionDocument,
  RequestOtpDocument,
  SessionsDocument,
  SignOutDocument,
  VerifyOtpDocument,
  type SignedInFragment,
} from '../generated/graphql.ts'
import { randomIndianMobile } from '../support/http-client.ts'
import { consoleCodePattern } from '../support/log-scan.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * An app's sign-in with @urql/core over real HTTP against the running service, using
 * the typed documents generated from schema.graphql (test/generated/). The bearer token
 * is attached by urql's own `fetchOptions`, read fresh for every request.
 */

const userAgent = 'phone-auth-client-test/urql'

/** The result's GraphQL error codes (`extensions.code`), e.g. UNAUTHENTICATED. */
function errorCodes(error: CombinedError | undefined): unknown[] {
  return error?.graphQLErrors.map((e) => e.extensions.code) ?? []
}

describe('@urql/core client with generated types', () => {
  let server: ServerProcess
  let client: Client
  /** What an app keeps in secure storage after signing in. */
  let session: SignedInFragment | undefined
  const nationalPhone = randomIndianMobile()
  const phone = `+91${nationalPhone}`
  const spent: { firstRefreshToken?: string; signedOutRefreshToken?: string; accessToken?: string } = {}

  beforeAll(async () => {
    server = await startServer({ env: { OTP_RESEND_COOLDOWN_SECONDS: '1' } })
    client = new Client({
      url: `${server.baseUrl}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: () => ({
        headers: {
          'user-agent': userAgent,
          ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
        },
      }),
    })
  })

  afterAll(async () => {
    await server?.stop()
  })

  it('refuses a number that is not a phone number with InvalidPhoneError', async () => {
    const result = await client.mutation(RequestOtpDocument, { phone: '12' }).toPromise()
    expect(result.error).toBeUndefined()
    const answer = result.data!.requestOtp
    expect(answer.__typename).toBe('InvalidPhoneError')
    if (answer.__typename !== 'InvalidPhoneError') return
    expect(answer.code).toBe('INVALID_PHONE')
    expect(answer.message).not.toBe('')
  })

  it('signs in: requestOtp, a wrong code (InvalidOtpError), then the code from the SMS', async () => {
    const logOffset = server.logs().length
    const sent = await client.mutation(RequestOtpDocument, { phone: nationalPhone }).toPromise()
    expect(sent.error).toBeUndefined()
    const requested = sent.data!.requestOtp
    if (requested.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(requested)}`)
    expect(requested.phone).toBe(phone)
    expect(requested.expiresInSeconds).toBeGreaterThan(0)
    const [, code] = await server.waitForLog(consoleCodePattern(requested.phone, requested.codeLength), 5_000, logOffset)

    const wrongCode = String((Number(code) + 1) % 10 ** requested.codeLength).padStart(requested.codeLength, '0')
    const wrong = await client.mutation(VerifyOtpDocument, { phone: nationalPhone, otp: wrongCode }).toPromise()
    const refused = wrong.data!.verifyOtp
    if (refused.__typename !== 'InvalidOtpError') throw new Error(`a wrong code answered ${JSON.stringify(refused)}`)
    expect(refused).toMatchObject({ code: 'INVALID_OTP', reason: 'INCORRECT' })
    expect(refused.attemptsRemaining).toBeGreaterThan(0)

    const verified = await client.mutation(VerifyOtpDocument, { phone: nationalPhone, otp: code! }).toPromise()
    expect(verified.error).toBeUndefined()
    const answer = verified.data!.verifyOtp
    switch (answer.__typename) {
      case 'AuthSession':
        session = answer
        break
      case 'InvalidOtpError':
        throw new Error(`${answer.code} ${answer.reason}: ${answer.message}`)
      default:
        throw new Error(`${answer.code}: ${answer.message}`)
    }
    expect(session).toMatchObject({ tokenType: 'Bearer', isNewUser: true, user: { phone } })
    expect(session.expiresInSeconds).toBeGreaterThan(0)
  })

  it('answers `me` and `sessions` with the bearer token from fetchOptions', async () => {
    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(me.error).toBeUndefined()
    expect(me.data?.me).toMatchObject({ id: session!.user.id, phone })

    const sessions = await client.query(SessionsDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(sessions.error).toBeUndefined()
    expect(sessions.data?.sessions).toEqual([{ __typename: 'Session', id: session!.sessionId, current: true, userAgent }])
  })

  it('refreshes: a new pair in the same session, and `me` works with the new access token', async () => {
    spent.firstRefreshToken = session!.refreshToken
    const result = await client.mutation(RefreshSessionDocument, { refreshToken: session!.refreshToken }).toPromise()
    expect(result.error).toBeUndefined()
    const answer = result.data!.refreshSession
    if (answer.__typename !== 'AuthSession') throw new Error(`${answer.code}: ${answer.message}`)
    expect(answer.sessionId).toBe(session!.sessionId)
    expect(answer.refreshToken).not.toBe(session!.refreshToken)
    expect(answer.isNewUser).toBe(false)
    session = answer

    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(me.data?.me?.id).toBe(session.user.id)
  })

  it('signs out: `me` is null for the same access token, and the refresh token is refused', async () => {
    const result = await client.mutation(SignOutDocument, { refreshToken: session!.refreshToken }).toPromise()
    expect(result.error).toBeUndefined()
    expect(result.data?.signOut).toBe(true)
    spent.signedOutRefreshToken = session!.refreshToken
    spent.accessToken = session!.accessToken

    // Still sending the revoked session's access token: revocation is immediate.
    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(me.error).toBeUndefined()
    expect(me.data?.me).toBeNull()

    for (const refreshToken of [spent.signedOutRefreshToken, spent.firstRefreshToken!]) {
      const refreshed = await client.mutation(RefreshSessionDocument, { refreshToken }).toPromise()
      expect(refreshed.error).toBeUndefined()
      const answer = refreshed.data!.refreshSession
      expect(answer.__typename).toBe('InvalidRefreshTokenError')
      if (answer.__typename === 'InvalidRefreshTokenError') expect(answer.code).toBe('INVALID_REFRESH_TOKEN')
    }
  })

  it('reports UNAUTHENTICATED in the error extensions for `sessions` without a valid token', async () => {
    session = undefined
    const result = await client.query(SessionsDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(result.data?.sessions).toBeNull()
    expect(errorCodes(result.error)).toEqual(['UNAUTHENTICATED'])
  })
  it('deletes the account as the README shows: requestOtp, reauthenticate, deleteAccount', async () => {
    const deletingPhone = randomIndianMobile()
    let from = server.logs().length
    const sent = (await client.mutation(RequestOtpDocument, { phone: deletingPhone }).toPromise()).data!.requestOtp
    if (sent.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(sent)}`)
    let [, code] = await server.waitForLog(consoleCodePattern(sent.phone, sent.codeLength), 5_000, from)
    const signedIn = (await client.mutation(VerifyOtpDocument, { phone: deletingPhone, otp: code! }).toPromise()).data!.verifyOtp
    if (signedIn.__typename !== 'AuthSession') throw new Error(`verifyOtp answered ${JSON.stringify(signedIn)}`)
    session = signedIn

    from = server.logs().length
    // The resend cooldown of the sign-in code has to pass first.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const resent = (await client.mutation(RequestOtpDocument, { phone: deletingPhone }).toPromise()).data!.requestOtp
    if (resent.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(resent)}`)
    ;[, code] = await server.waitForLog(consoleCodePattern(sent.phone, sent.codeLength), 5_000, from)
    const reauth = (await client.mutation(ReauthenticateDocument, { otp: code! }).toPromise()).data?.reauthenticate
    expect(reauth?.__typename).toBe('Reauthenticated')
    const deleted = (await client.mutation(DeleteAccountDocument, {}).toPromise()).data?.deleteAccount
    expect(deleted).toMatchObject({ __typename: 'AccountDeleted', userId: signedIn.user.id })
    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(me.data?.me).toBeNull()
    session = undefined
  })
})
