import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client'
import { SetContextLink } from '@apollo/client/link/context'
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries'
import { Client, cacheExchange, fetchExchange } from '@urql/core'
import { persistedExchange } from '@urql/exchange-persisted'
import type { DocumentNode } from 'graphql'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MeDocument, RequestOtpDocument, SessionsDocument, VerifyOtpDocument } from '../generated/graphql.ts'
import generatedPossibleTypes from '../generated/possible-types.ts'
import { randomIndianMobile } from '../support/http-client.ts'
import { consoleCodePattern } from '../support/log-scan.ts'
import { projectRoot, startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * Both real clients sign in against a server started with TRUSTED_DOCUMENTS pointing at
 * the manifest `npm run codegen` writes. The clients send only the generated hashes
 * (`__meta__.hash` of each typed document), never the document text.
 */

const manifestPath = path.join(projectRoot, 'test', 'generated', 'persisted-documents.json')

/** The hash GraphQL Code Generator embedded in a typed document. */
function generatedHash(document: DocumentNode): string {
  const hash = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash
  if (!hash) throw new Error('the typed document carries no __meta__.hash: run npm run codegen')
  return hash
}

let server: ServerProcess
/** What each client sent to the server, as seen on the wire. */
const sentBodies: string[] = []

const recordingFetch: typeof fetch = async (input, init) => {
  if (typeof init?.body === 'string') sentBodies.push(init.body)
  return fetch(input, init)
}

beforeAll(async () => {
  server = await startServer({ env: { TRUSTED_DOCUMENTS: manifestPath } })
})

afterAll(async () => {
  await server?.stop()
})

async function codeFromLog(phone: string, codeLength: number, fromIndex: number): Promise<string> {
  const [, code] = await server.waitForLog(consoleCodePattern(phone, codeLength), 5_000, fromIndex)
  return code!
}

describe('a server with TRUSTED_DOCUMENTS over HTTP', () => {
  it('refuses a raw query with 400 PERSISTED_QUERY_ONLY', async () => {
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
    })
    expect(response.status).toBe(400)
    expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY')
  })
})

describe('@urql/core with persistedExchange', () => {
  let client: Client
  let accessToken: string | undefined

  beforeAll(() => {
    client = new Client({
      url: `${server.baseUrl}/graphql`,
      fetch: recordingFetch,
      exchanges: [
        cacheExchange,
        persistedExchange({ enforcePersistedQueries: true, enableForMutation: true, generateHash: async (_query, document) => generatedHash(document) }),
        fetchExchange,
      ],
      fetchOptions: (): RequestInit => ({ headers: accessToken ? { authorization: `Bearer ${accessToken}` } : [] }),
    })
  })

  it('signs in and reads `me` by hash alone', async () => {
    const phone = randomIndianMobile()
    const from = server.logs().length
    sentBodies.length = 0
    const sent = (await client.mutation(RequestOtpDocument, { phone }).toPromise()).data!.requestOtp
    if (sent.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(sent)}`)
    const code = await codeFromLog(sent.phone, sent.codeLength, from)
    const verified = (await client.mutation(VerifyOtpDocument, { phone, otp: code }).toPromise()).data!.verifyOtp
    if (verified.__typename !== 'AuthSession') throw new Error(`verifyOtp answered ${JSON.stringify(verified)}`)
    accessToken = verified.accessToken
    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise()
    expect(me.error).toBeUndefined()
    expect(me.data?.me).toMatchObject({ id: verified.user.id, phone: sent.phone })
    expect(sentBodies.length).toBeGreaterThanOrEqual(2)
    for (const body of sentBodies) expect(JSON.parse(body)).not.toHaveProperty('query')
  })
})

describe('@apollo/client with PersistedQueryLink', () => {
  let client: ApolloClient
  let accessToken: string | undefined

  beforeAll(() => {
    const persisted = new PersistedQueryLink({
      generateHash: (document) => generatedHash(document),
      // Trusted documents are not automatic persisted queries: never fall back to text.
      disable: () => false,
      retry: () => false,
    })
    const auth = new SetContextLink((previous) => ({ headers: { ...previous.headers, ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) } }))
    client = new ApolloClient({
      link: ApolloLink.from([auth, persisted, new HttpLink({ uri: `${server.baseUrl}/graphql`, fetch: recordingFetch })]),
      cache: new InMemoryCache({ possibleTypes: generatedPossibleTypes.possibleTypes }),
    })
  })

  afterAll(() => client?.stop())

  it('signs in and lists its session by hash alone', async () => {
    const phone = randomIndianMobile()
    const from = server.logs().length
    sentBodies.length = 0
    const sent = (await client.mutate({ mutation: RequestOtpDocument, variables: { phone } })).data!.requestOtp
    if (sent.__typename !== 'OtpSent') throw new Error(`requestOtp answered ${JSON.stringify(sent)}`)
    const code = await codeFromLog(sent.phone, sent.codeLength, from)
    const verified = (await client.mutate({ mutation: VerifyOtpDocument, variables: { phone, otp: code } })).data!.verifyOtp
    if (verified.__typename !== 'AuthSession') throw new Error(`verifyOtp answered ${JSON.stringify(verified)}`)
    accessToken = verified.accessToken
    const sessions = await client.query({ query: SessionsDocument, fetchPolicy: 'network-only' })
    expect(sessions.data?.sessions?.map((s) => s.id)).toEqual([verified.sessionId])
    expect(sentBodies.length).toBeGreaterThanOrEqual(3)
    for (const body of sentBodies) expect(JSON.parse(body)).not.toHaveProperty('query')
  })
})
