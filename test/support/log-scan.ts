/** Helpers to read what the service wrote to its log (pino JSON, one object a line). */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Matches the log line that carries a one-time code for `phoneE164` (the console
 * sender's line in development); group 1 is the code. The phone must appear as a whole
 * JSON string, and the code as a run of exactly `codeLength` digits standing alone.
 */
export function consoleCodePattern(phoneE164: string, codeLength: number): RegExp {
  const phone = escapeRegExp(JSON.stringify(phoneE164))
  return new RegExp(`^(?=.*${phone}).*?(?<![0-9A-Za-z])(\\d{${codeLength}})(?![0-9A-Za-z]).*$`, 'm')
}

/** The log lines in which `digits` stands alone (not inside a longer word or number). */
export function linesWithNumber(logs: string, digits: string): string[] {
  const pattern = new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(digits)}(?![0-9A-Za-z])`)
  return logs.split('\n').filter((line) => pattern.test(line))
}

/** The log lines that contain `secret` anywhere. */
export function linesContaining(logs: string, secret: string): string[] {
  if (secret === '') throw new Error('linesContaining: empty secret')
  return logs.split('\n').filter((line) => line.includes(secret))
}
