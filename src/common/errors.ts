/**
 * Failures shared by every layer. The domain errors a client may see are in
 * src/auth/errors.ts; this one is infrastructure, raised by db/ and redis/ alike.
 */

/**
 * Redis or PostgreSQL could not be reached in time. Not a domain outcome: it becomes a
 * GraphQL error with extensions.code SERVICE_UNAVAILABLE, and nothing was half-done.
 */
export class ServiceUnavailableError extends Error {
  constructor(readonly dependency: 'redis' | 'database', options?: { cause?: unknown }) {
    super(`${dependency} is unavailable`, options)
    this.name = 'ServiceUnavailableError'
  }
}
