import { randomInt } from 'node:crypto'

/**
 * A GraphQL client over real HTTP, as a mobile app would use the service: plain fetch,
 * no shared code with the server.
 */

export interface GraphqlAnswer<T = any> {
  status: number
  headers: Headers
  body: { data?: T; errors?: any[] }
}

export interface GraphqlOptions {
  accessToken?: string
  headers?: Record<string, string>
}

export function graphqlClient(baseUrl: string) {
  const endpoint = `${baseUrl}/graphql`
  async function post<T = any>(query: string, variables?: Record<string, unknown>, options: GraphqlOptions = {}): Promise<GraphqlAnswer<T>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...options.headers,
    }
    if (options.accessToken !== undefined) headers.authorization = `Bearer ${options.accessToken}`
    const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
    const text = await response.text()
    let body: GraphqlAnswer<T>['body']
    try {
      body = JSON.parse(text) as GraphqlAnswer<T>['body']
    } catch {
      throw new Error(`POST /graphql answered ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`)
    }
    return { status: response.status, headers: response.headers, body }
  }
  return {
    endpoint,
    post,
    async requestOtp(phone: string): Promise<any> {
      const answer = await post(requestOtpMutation, { phone })
      expectData(answer, 'requestOtp')
      return answer.body.data.requestOtp
    },
    async verifyOtp(phone: string, otp: string): Promise<any> {
      const answer = await post(verifyOtpMutation, { phone, otp })
      expectData(answer, 'verifyOtp')
      return answer.body.data.verifyOtp
    },
    async me(accessToken?: string, headers?: Record<string, string>): Promise<GraphqlAnswer> {
      return post(meQuery, undefined, { accessToken, headers })
    },
  }
}

function expectData(answer: GraphqlAnswer, field: string): void {
  if (answer.status !== 200 || answer.body.errors || !answer.body.data?.[field]) {
    throw new Error(`${field} did not answer data: ${answer.status} ${JSON.stringify(answer.body)}`)
  }
}

// The same documents the in-process tests use.
import { requestOtpMutation, verifyOtpMutation } from '../helpers.ts'
export { requestOtpMutation, verifyOtpMutation } from '../helpers.ts'

export const meQuery = `query Me { me { id phone createdAt lastSignInAt } }`

/** A valid Indian mobile number (national form) unlikely to collide with another test's. */
export function randomIndianMobile(): string {
  return `98${String(randomInt(0, 1e8)).padStart(8, '0')}`
}

/** The decoded protected header of a JWT (no verification). */
export function jwtHeader(token: string): Record<string, unknown> {
  const [header] = token.split('.')
  return JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

/** The same token with one character of its signature changed. */
export function tamperSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.')
  const index = Math.floor(signature.length / 2)
  const changed = signature[index] === 'A' ? 'B' : 'A'
  return `${header}.${payload}.${signature.slice(0, index)}${changed}${signature.slice(index + 1)}`
}
