import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client'
import { SetContextLink } from '@apollo/client/link/context'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConfirmPhoneChangeDocument,
  MeDocument,
  RequestPhoneChangeDocument,
  RefreshSessionDocument,
  RequestOtpDocument,
  SessionsDocument,
  SignOutDocument,
  VerifyOtpDocument,
  type SignedInFragment,
} from '../generated/graphql.ts'
import generatedPossibleTypes from '../generated/possible-types.ts'
import { randomIndianMobile } from '../support/http-client.ts'
import { consoleCodePattern } from '../support/log-scan.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * An app's sign-in with @apollo/client 4 (its core entry point, no React) over real HTTP
 * against the running service, using the typed documents generated from schema.graphql
 * (test/generated/). The bearer token is attached by a SetContextLink, read fresh for
 * every request; the cache knows the unions and the `Error` interface from the generated
 * possibleTypes, so `... on Error { code message }` is read back from it.
 */

const userAgent = 'phone-auth-client-test/apollo'

describe('@apollo/client with generated types', () => {
  let server: ServerProcess
  let client: ApolloClient
  /** What an app keeps in secure storage after signing in. */
  let session: SignedInFragment | undefined
  const nationalPhone = randomIndianMobile()
  const phone = `+91${nationalPhone}`
  const spent: { firstRefreshToken?: string } = {}

  beforeAll(async () => {
    server = await startServer()
    const authLink = new SetContextLink((prevContext) => ({
      headers: {
        ...prevContext.headers,
        ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
      },
    }))
    const httpLink = new HttpLink({ uri: `${server.baseUrl}/graphql`, headers: { 'user-agent': userAgent } })
    client = new ApolloClient({
      link: ApolloLink.from([authLink, httpLink]),
      cache: new InMemoryCache({ possibleTypes: generatedPossibleTypes.possibleTypes }),
    })
  })

  afterAll(async () => {
    client?.stop()
    await server?.stop()
  })

  it('refuses a number that is not a phone number with InvalidPhoneError', async () => {
    const { data } = await client.mutate({ mutation: RequestOtpDocument, variables: { phone: '12' } })
    const answer = data!.requestOtp
    expect(answer.__typename).toBe('InvalidPhoneError')
    if (answer.__typename !== 'InvalidPhoneError') return
    expect(answer.code).toBe('INVALID_PHONE')
    expect(answer.message).not.toBe('')
  })

  it('signs in: requestOtp, a wrong code (InvalidOtpError), then the code from the SMS', async () => {
    const logOffset = server.logs().length
    const sent = await client.mutate({ mutation: RequestOtpDocument, variables: { phone: nationalPhone } })
    const requested = sent.data!.requestOtp
    if (requested.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(requested)}`)
    expect(requested.phone).toBe(phone)
    expect(requested.expiresInSeconds).toBeGreaterThan(0)
    const [, code] = await server.waitForLog(consoleCodePattern(requested.phone, requested.codeLength), 5_000, logOffset)

    const wrongCode = String((Number(code) + 1) % 10 ** requested.codeLength).padStart(requested.codeLength, '0')
    const wrong = await client.mutate({ mutation: VerifyOtpDocument, variables: { phone: nationalPhone, otp: wrongCode } })
    const refused = wrong.data!.verifyOtp
    if (refused.__typename !== 'InvalidOtpError') throw new Error(`a wrong code answered ${JSON.stringify(refused)}`)
    // `code` and `message` come from `... on Error`: present only because the cache knows
    // that InvalidOtpError implements Error (possibleTypes).
    expect(refused).toMatchObject({ code: 'INVALID_OTP', reason: 'INCORRECT' })
    expect(refused.message).not.toBe('')
    expect(refused.attemptsRemaining).toBeGreaterThan(0)

    const verified = await client.mutate({ mutation: VerifyOtpDocument, variables: { phone: nationalPhone, otp: code! } })
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

  it('answers `me` and `sessions` with the bearer token from the context link', async () => {
    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' })
    expect(me.data?.me).toMatchObject({ id: session!.user.id, phone })

    const sessions = await client.query({ query: SessionsDocument, fetchPolicy: 'network-only' })
    expect(sessions.data?.sessions).toEqual([{ __typename: 'Session', id: session!.sessionId, current: true, userAgent }])
  })

  it('refreshes: a new pair in the same session, and `me` works with the new access token', async () => {
    spent.firstRefreshToken = session!.refreshToken
    const { data } = await client.mutate({ mutation: RefreshSessionDocument, variables: { refreshToken: session!.refreshToken } })
    const answer = data!.refreshSession
    if (answer.__typename !== 'AuthSession') throw new Error(`${answer.code}: ${answer.message}`)
    expect(answer.sessionId).toBe(session!.sessionId)
    expect(answer.refreshToken).not.toBe(session!.refreshToken)
    expect(answer.isNewUser).toBe(false)
    session = answer

    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' })
    expect(me.data?.me?.id).toBe(session.user.id)
  })

  it('signs out: `me` is null for the same access token, and the refresh token is refused', async () => {
    const signedOut = session!
    const { data } = await client.mutate({ mutation: SignOutDocument, variables: { refreshToken: signedOut.refreshToken } })
    expect(data?.signOut).toBe(true)

    // Still sending the revoked session's access token: revocation is immediate.
    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' })
    expect(me.error).toBeUndefined()
    expect(me.data?.me).toBeNull()

    for (const refreshToken of [signedOut.refreshToken, spent.firstRefreshToken!]) {
      const refreshed = await client.mutate({ mutation: RefreshSessionDocument, variables: { refreshToken } })
      const answer = refreshed.data!.refreshSession
      expect(answer.__typename).toBe('InvalidRefreshTokenError')
      if (answer.__typename === 'InvalidRefreshTokenError') {
        expect(answer.code).toBe('INVALID_REFRESH_TOKEN')
        expect(answer.message).not.toBe('')
      }
    }

    // What an app does on sign-out: forget the tokens and the cached user.
    session = undefined
    await client.clearStore()
  })

  it('reports UNAUTHENTICATED in the error extensions for `sessions` without a valid token', async () => {
    const result = await client.query({ query: SessionsDocument, fetchPolicy: 'network-only', errorPolicy: 'all' })
    expect(result.data?.sessions ?? null).toBeNull()
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true)
    const codes = CombinedGraphQLErrors.is(result.error) ? result.error.errors.map((e) => e.extensions?.code) : []
    expect(codes).toEqual(['UNAUTHENTICATED'])

    // With the default errorPolicy ('none') the same answer rejects.
    const rejected = await client.query({ query: SessionsDocument, fetchPolicy: 'network-only' }).catch((error: unknown) => error)
    expect(CombinedGraphQLErrors.is(rejected)).toBe(true)
  })

  /** Waits for the console sender's line with the code sent to `to`. */
  async function smsCode(to: string, codeLength: number, logOffset: number): Promise<string> {
    const [, code] = await server.waitForLog(consoleCodePattern(to, codeLength), 5_000, logOffset)
    return code!
  }

  it('moves the account to a new number: requestPhoneChange, then confirmPhoneChange with its code', async () => {
    const [ownPhone, newPhone] = [`+91${randomIndianMobile()}`, `+91${randomIndianMobile()}`]
    let logOffset = server.logs().length
    await client.mutate({ mutation: RequestOtpDocument, variables: { phone: ownPhone } })
    const signedIn = (await client.mutate({ mutation: VerifyOtpDocument, variables: { phone: ownPhone, otp: await smsCode(ownPhone, 6, logOffset) } })).data!.verifyOtp
    if (signedIn.__typename !== 'AuthSession') throw new Error(`verifyOtp answered ${JSON.stringify(signedIn)}`)
    session = signedIn
    const before = await client.query({ query: MeDocument, fetchPolicy: 'network-only' })
    expect(before.data?.me).toMatchObject({ phone: ownPhone })

    logOffset = server.logs().length
    const sent = (await client.mutate({ mutation: RequestPhoneChangeDocument, variables: { newPhone } })).data!.requestPhoneChange
    if (sent?.__typename !== 'OtpSent') throw new Error(`requestPhoneChange answered ${JSON.stringify(sent)}`)
    const otp = await smsCode(newPhone, sent.codeLength, logOffset)
    const changed = (await client.mutate({ mutation: ConfirmPhoneChangeDocument, variables: { newPhone, otp } })).data!.confirmPhoneChange
    expect(changed).toMatchObject({ __typename: 'PhoneChanged', user: { id: signedIn.user.id, phone: newPhone } })

    // The answer's User (by id) updated the cache: `me` shows the new number without a request.
    const me = await client.query({ query: MeDocument, fetchPolicy: 'cache-only' })
    expect(me.data?.me).toMatchObject({ id: signedIn.user.id, phone: newPhone })
  })
})
