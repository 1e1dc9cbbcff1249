import type { DeliveryReport } from '../sms/msg91-reports.ts'
import type { AuthDeps } from './deps.ts'
import { destinationPrefix, regionOf } from './phone.ts'

export type DeliveryStatus = 'delivered' | 'failed' | 'ndnc' | 'rejected' | 'blocked' | 'other'

const statuses: Record<string, DeliveryStatus> = { '1': 'delivered', '2': 'failed', '9': 'ndnc', '16': 'rejected', '25': 'rejected', '17': 'blocked' }

/** Outcomes after which the person never got the code. */
const undelivered = new Set<DeliveryStatus>(['failed', 'ndnc', 'rejected', 'blocked'])

/**
 * Records MSG91 delivery reports. Each is matched by its request id to the send that
 * produced it — the number comes from our record of the send, never from the report —
 * and counts once (the record is taken). A message that never arrived leaves its
 * prefix's sent count, so a carrier outage does not look like pumping. Reports for
 * unknown ids are counted and dropped.
 */
export async function recordDeliveryReports(deps: AuthDeps, reports: readonly DeliveryReport[]): Promise<{ matched: number; unknown: number }> {
  let matched = 0
  for (const report of reports) {
    const phone = await deps.pumping.takeSend(report.requestId)
    if (!phone) {
      deps.abuseSignals.deliveryReported('unknown', 'unknown_request')
      continue
    }
    matched++
    const status = statuses[report.status] ?? 'other'
    deps.abuseSignals.deliveryReported(regionOf(phone), status)
    deps.events.record({ type: 'sms_delivery_reported', phone, detail: status })
    if (undelivered.has(status) && deps.config.pumping.mode !== 'off') await deps.pumping.forgetSend(destinationPrefix(phone, deps.config.pumping.prefixDigits), phone)
  }
  return { matched, unknown: reports.length - matched }
}
