/**
 * MSG91 delivery reports, in every shape msg91.md lists: a flat JSON report or an array
 * of them; the nested form (requests, each with its per-number `report` array); either
 * of those form-encoded as `data=<json>`. Answers null for anything else.
 */

export interface DeliveryReport {
  /** MSG91's id of the accepted request (what the send answered). */
  requestId: string
  /** MSG91's status code, e.g. "1" delivered, "2" failed. */
  status: string
}

/** More than any real batch holds; a body listing more is refused as malformed. */
const maxReports = 1000

export function parseMsg91Reports(body: string, contentType: string): DeliveryReport[] | null {
  let json: unknown
  try {
    const text = contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(body).get('data') : body
    if (text === null) return null
    json = JSON.parse(text)
  } catch {
    return null
  }
  const items = Array.isArray(json) ? json : [json]
  const reports: DeliveryReport[] = []
  for (const item of items) {
    if (!readItem(item, reports) || reports.length > maxReports) return null
  }
  return reports
}

function readItem(item: unknown, into: DeliveryReport[]): boolean {
  if (typeof item !== 'object' || item === null) return false
  const record = item as Record<string, unknown>
  const requestId = text(record.requestId)
  if (!requestId) return false
  if (Array.isArray(record.report)) {
    for (const entry of record.report) {
      const status = typeof entry === 'object' && entry !== null ? text((entry as Record<string, unknown>).status) : undefined
      if (status === undefined) return false
      into.push({ requestId, status })
    }
    return true
  }
  const status = text(record.status)
  if (status === undefined) return false
  into.push({ requestId, status })
  return true
}

/** MSG91 sends ids and codes as strings, sometimes as numbers; nothing longer than 64. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value
  return undefined
}
