import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RequestContext } from '../schema/context.ts'
import type { Deps } from './deps.ts'
import { loadUser, type User } from '../auth/users.ts'
import type { AccessClaims } from '../auth/tokens.ts'
import { clientIp, ipLimitKey } from '../net/client-ip.ts'
import { currentRequestId } from '../observability/request-scope.ts'

export interface ServerContext {
  req?: IncomingMessage
  res?: ServerResponse
}

const maxUserAgentLength = 512

/** A request's headers by name: a Fetch `Headers`, or node's own (`nodeHeaders`). */
export interface HeaderReader {
  get(name: string): string | null
}

/** node:http's parsed headers, read as Fetch's `Headers` reads the same object. */
export function nodeHeaders(req: IncomingMessage): HeaderReader {
  return {
    get(name) {
      const value = req.headers[name]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
  }
}

export function buildRequestContext(deps: Deps, headers: HeaderReader, req: IncomingMessage | undefined): RequestContext {
  const ip = clientIp(req?.socket?.remoteAddress, headers.get('x-forwarded-for'), deps.config.trustProxy)
  const requestId = currentRequestId() ?? 'none'
  let claims: Promise<AccessClaims | null> | undefined
  const users = new Map<string, Promise<User | null>>()
  return {
    deps,
    requestId,
    log: deps.logger,
    client: { ip, ipKey: ipLimitKey(ip), userAgent: headers.get('user-agent')?.slice(0, maxUserAgentLength) ?? null },
    auth: () => (claims ??= verifyBearer(deps, headers.get('authorization'))),
    loadUser(id) {
      let user = users.get(id)
      if (!user) users.set(id, (user = loadUser(deps, id)))
      return user
    },
  }
}

/**
 * The JWT is verified in memory; then ONE Redis lookup tells whether its session was
 * revoked. If Redis cannot answer, this throws (SERVICE_UNAVAILABLE) rather than
 * answering null, which would make apps throw their tokens away.
 */
async function verifyBearer(deps: Deps, header: string | null): Promise<AccessClaims | null> {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match?.[1]) return null
  const claims = await deps.signer.verify(match[1], deps.clock.now())
  if (!claims) return null
  return (await deps.revocations.isRevoked(claims.sessionId)) ? null : claims
}
