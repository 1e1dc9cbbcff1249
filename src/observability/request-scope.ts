import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'

/**
 * The request id travels with the async work of its request, so every log line written
 * while serving it carries the id that the client sees in `extensions.requestId`.
 */
const scope = new AsyncLocalStorage<{ requestId: string }>()

const acceptableIncomingId = /^[A-Za-z0-9._-]{8,64}$/

export function newRequestId(incoming: string | null | undefined): string {
  return incoming && acceptableIncomingId.test(incoming) ? incoming : randomUUID()
}

export function runInRequestScope<T>(requestId: string, work: () => T): T {
  return scope.run({ requestId }, work)
}

export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId
}
