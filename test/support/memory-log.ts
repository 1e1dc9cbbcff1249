import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'
import { createLogger } from '../../src/observability/logger.ts'

/** A pino logger whose JSON lines stay in memory, so tests can read what was logged. */
export interface MemoryLog {
  logger: Logger
  /** Every line written so far, one JSON object each. */
  lines: string[]
  /** The lines parsed. */
  entries(): Array<Record<string, unknown>>
  /** All lines joined by newlines (for the scanners of log-scan.ts). */
  text(): string
}

/**
 * `redacted: true` uses the service's own logger setup (src/logger.ts, with its
 * redaction paths); `false` a bare pino, to show that nothing leans on redaction.
 */
export function memoryLog(level = 'trace', options: { redacted?: boolean } = {}): MemoryLog {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''))
      done()
    },
  })
  const logger = options.redacted === false ? pino({ level }, stream) : createLogger(level, stream)
  return {
    logger,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join('\n'),
  }
}
