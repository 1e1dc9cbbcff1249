import type { Plugin } from 'graphql-yoga'
import type { CorsOrigins } from '../config/parsers.ts'

/**
 * Which web pages may call the API from a browser (CORS_ORIGINS). Tokens travel in the
 * Authorization header, never in cookies, so credentials are never allowed; the `null`
 * origin (sandboxed frames, `file:` pages, some redirects) is never allowed, even with
 * `*`; an origin matches only exactly, so `https://app.example.com.evil.test` is not
 * `https://app.example.com`. Every answer says `Vary: Origin`, so a shared cache never
 * serves one origin's answer to another.
 */

const allowedMethods = 'GET, POST, OPTIONS'
/** Request headers a browser client of this API sends. */
const allowedHeaders = ['accept', 'authorization', 'content-type', 'x-request-id', 'apollographql-client-name', 'apollographql-client-version']
const preflightMaxAgeSeconds = 600

function isOriginAllowed(origin: string | null, allowed: CorsOrigins): origin is string {
  if (!origin || origin === 'null') return false
  return allowed === '*' || allowed.has(origin.toLowerCase())
}

export function useCors(allowed: CorsOrigins): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'OPTIONS') return
      const origin = request.headers.get('origin')
      const headers = new Headers({ vary: 'Origin, Access-Control-Request-Headers' })
      if (isOriginAllowed(origin, allowed)) {
        headers.set('access-control-allow-origin', origin)
        headers.set('access-control-allow-methods', allowedMethods)
        headers.set('access-control-allow-headers', allowedHeaders.join(', '))
        headers.set('access-control-max-age', String(preflightMaxAgeSeconds))
      }
      // A refused preflight is still a plain 204: the missing allow-origin is the refusal.
      endResponse(new Response(null, { status: 204, headers }))
    },
    onResponse({ request, response }) {
      appendVaryOrigin(response.headers)
      if (request.method === 'OPTIONS') return
      const origin = request.headers.get('origin')
      if (!isOriginAllowed(origin, allowed)) return
      response.headers.set('access-control-allow-origin', origin)
      response.headers.set('access-control-expose-headers', 'x-request-id')
    },
  }
}

function appendVaryOrigin(headers: Headers): void {
  const vary = headers.get('vary')
  if (!vary) headers.set('vary', 'Origin')
  else if (!/(^|,)\s*origin\s*(,|$)/i.test(vary)) headers.set('vary', `${vary}, Origin`)
}
