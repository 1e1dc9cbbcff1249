import type { IncomingMessage, ServerResponse } from 'node:http'
import { DomainError } from '../../src/auth/errors.ts'
import { requestOtp } from '../../src/auth/request-otp.ts'
import { verifyOtp } from '../../src/auth/verify-otp.ts'
import type { Deps } from '../../src/http/deps.ts'
import { buildRequestContext } from '../../src/http/request-context.ts'
import { newRequestId, runInRequestScope } from '../../src/observability/request-scope.ts'

/**
 * The "floor": the same work as the service minus GraphQL, Yoga and Pothos. It calls
 * the very functions the resolvers call — requestOtp/verifyOtp from src/auth (so the
 * same Lua scripts through the same otp-store, the same one-statement sign-in through
 * the same Prisma client and pg pool, the same jose signer) and the request context's
 * auth() for `me` (the same bearer check, plus whatever that check grows later) —
 * and keeps the service's request id scope. JSON in, JSON out, one route per step.
 */
export function createFloorHandler(deps: Deps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = newRequestId(req.headers['x-request-id'] as string | undefined)
    res.setHeader('x-request-id', requestId)
    runInRequestScope(requestId, () => {
      readJson(req)
        .then((body) => route(deps, req, body))
        .then(
          (result) => reply(res, 200, result),
          (error: unknown) => reply(res, error instanceof DomainError ? 400 : 500, { error: errorCode(error) }),
        )
    })
  }
}

async function route(deps: Deps, req: IncomingMessage, body: Record<string, unknown>): Promise<unknown> {
  const context = buildRequestContext(deps, headersOnly(req), req)
  switch (req.url) {
    case '/request-otp': {
      const sent = await requestOtp(deps, String(body.phone), context.client)
      return { phone: sent.phone }
    }
    case '/verify-otp': {
      const signedIn = await verifyOtp(deps, String(body.phone), String(body.code), context.client)
      return { accessToken: signedIn.accessToken }
    }
    case '/me': {
      const claims = await context.auth()
      return { me: claims ? { id: claims.userId } : null }
    }
    default:
      throw new Error(`no route ${req.url}`)
  }
}

/**
 * buildRequestContext reads only request headers; a full Fetch Request is what Yoga
 * builds, and building one here would put part of Yoga's cost back into the floor.
 */
function headersOnly(req: IncomingMessage): Request {
  const get = (name: string) => {
    const value = req.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : (value ?? null)
  }
  return { headers: { get } } as unknown as Request
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', reject)
    req.on('end', () => {
      try {
        resolve(chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>))
      } catch (error) {
        reject(error)
      }
    })
  })
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function errorCode(error: unknown): string {
  if (error instanceof DomainError) return error.code
  return error instanceof Error ? `INTERNAL: ${error.message}` : 'INTERNAL'
}
