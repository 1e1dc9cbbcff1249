import type { Plugin } from 'graphql-yoga'
import type { Deps } from './deps.ts'
import { withTimeout } from '../common/timeout.ts'

/** Short enough that a load balancer's probe never waits on a hung dependency. */
const readinessTimeoutMs = 1000

type Route = (deps: Deps) => Promise<Response> | Response

const routes: Record<string, Route> = {
  'GET /healthz': () => Response.json({ status: 'ok' }),
  // With METRICS_PORT set, metrics are served only by their own listener (main.ts).
  'GET /metrics': (deps) => (deps.config.metricsPort ? new Response('not found', { status: 404 }) : metricsResponse(deps)),
  'GET /readyz': readiness,
  'GET /.well-known/jwks.json': (deps) =>
    Response.json(deps.signer.jwks, { headers: { 'cache-control': 'public, max-age=300' } }),
}

/** The plain HTTP endpoints next to /graphql (config.md, "HTTP endpoints"). */
export function useHttpRoutes(deps: Deps): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const route = routes[`${request.method} ${url.pathname}`] ?? routes[`GET ${url.pathname}`]
      if (!route) return
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response('method not allowed', { status: 405, headers: { allow: 'GET' } }))
        return
      }
      endResponse(await route(deps))
    },
  }
}

export async function metricsResponse(deps: Deps): Promise<Response> {
  const { registry } = deps.metrics
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } })
}

async function readiness(deps: Deps): Promise<Response> {
  const results = await Promise.all(
    deps.readinessChecks.map(async ({ name, check }) => {
      try {
        await withTimeout(check(readinessTimeoutMs), readinessTimeoutMs)
        return { name, ok: true }
      } catch {
        return { name, ok: false }
      }
    }),
  )
  const down = results.filter((r) => !r.ok).map((r) => r.name)
  return Response.json({ status: down.length === 0 ? 'ok' : 'unavailable', down }, { status: down.length === 0 ? 200 : 503 })
}
