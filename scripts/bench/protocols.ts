import type { HttpClient } from './client.ts'
import type { ServerKind } from './settings.ts'

/**
 * The three calls, spoken to each server in its own language. Each checks the answer,
 * so a call that "succeeds" fast by failing is counted as an error instead.
 */
export interface Protocol {
  requestOtp(http: HttpClient, phone: string): Promise<void>
  /** Answers the access token. */
  verifyOtp(http: HttpClient, phone: string, code: string): Promise<string>
  me(http: HttpClient, accessToken: string): Promise<void>
}

// What a lean mobile client would send: the fields it reads plus the error branches.
const requestOtpDocument = `mutation RequestOtp($phone: String!) { requestOtp(phone: $phone) {
  __typename ... on OtpSent { phone } ... on Error { code message } } }`
const verifyOtpDocument = `mutation VerifyOtp($phone: String!, $otp: String!) { verifyOtp(phone: $phone, otp: $otp) {
  __typename ... on AuthSession { accessToken } ... on Error { code message } } }`
const meDocument = `query Me { me { id } }`

interface GraphqlAnswer {
  data?: Record<string, { __typename?: string; accessToken?: string; id?: string } | null>
}

function field(answer: unknown, name: string, typename?: string) {
  const value = (answer as GraphqlAnswer).data?.[name]
  if (!value || (typename && value.__typename !== typename)) throw new Error(`${name}: ${JSON.stringify(answer).slice(0, 300)}`)
  return value
}

const graphqlProtocol: Protocol = {
  async requestOtp(http, phone) {
    field(await http.post('/graphql', { query: requestOtpDocument, variables: { phone } }), 'requestOtp', 'OtpSent')
  },
  async verifyOtp(http, phone, code) {
    const answer = await http.post('/graphql', { query: verifyOtpDocument, variables: { phone, otp: code } })
    return field(answer, 'verifyOtp', 'AuthSession').accessToken!
  },
  async me(http, accessToken) {
    if (!field(await http.post('/graphql', { query: meDocument }, { authorization: `Bearer ${accessToken}` }), 'me').id) throw new Error('me: no id')
  },
}

const floorProtocol: Protocol = {
  async requestOtp(http, phone) {
    const answer = (await http.post('/request-otp', { phone })) as { phone?: string }
    if (answer.phone !== phone) throw new Error(`request-otp: ${JSON.stringify(answer)}`)
  },
  async verifyOtp(http, phone, code) {
    const answer = (await http.post('/verify-otp', { phone, code })) as { accessToken?: string }
    if (!answer.accessToken) throw new Error(`verify-otp: ${JSON.stringify(answer)}`)
    return answer.accessToken
  },
  async me(http, accessToken) {
    const answer = (await http.get('/me', { authorization: `Bearer ${accessToken}` })) as { me?: { id?: string } | null }
    if (!answer.me?.id) throw new Error(`me: ${JSON.stringify(answer)}`)
  },
}

export const protocols: Record<ServerKind, Protocol> = { service: graphqlProtocol, floor: floorProtocol }
