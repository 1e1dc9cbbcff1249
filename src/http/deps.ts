import type { AuthDeps } from '../auth/deps.ts'
import type { Config } from '../config/config.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { TrustedDocuments } from './trusted-documents.ts'

/** A dependency that /readyz asks whether it answers. */
export interface ReadinessCheck {
  name: string
  check(timeoutMs: number): Promise<void>
}

/**
 * Everything the service needs from outside; built by main.ts (through compose.ts), or
 * by tests with fakes. It is what the domain declares it needs (`AuthDeps`) plus what
 * the HTTP shell itself uses.
 */
export interface Deps extends AuthDeps {
  config: Config
  metrics: Metrics
  readinessChecks: ReadinessCheck[]
  /** With TRUSTED_DOCUMENTS: the only operations that run (loaded by main.ts). */
  trustedDocuments?: TrustedDocuments
}
