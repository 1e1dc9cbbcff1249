import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * Prometheus metrics. Labels come only from closed sets (schema field names, event
 * types, reasons, provider outcomes): never a phone number, an IP or anything a client
 * chooses, so series cannot leak personal data or explode in number.
 */
export function createMetrics(options: { processMetrics: boolean } = { processMetrics: true }) {
  const registry = new Registry()
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'phone_auth_' })
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
  const operations = new Counter({
    name: 'phone_auth_graphql_fields_total',
    help: 'Root GraphQL fields executed, by field and whether the answer carried GraphQL errors',
    labelNames: ['field', 'outcome'] as const,
    registers: [registry],
  })
  const operationSeconds = new Histogram({
    name: 'phone_auth_graphql_request_duration_seconds',
    help: 'Execution time of GraphQL requests, by root field',
    labelNames: ['field'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  })
  const authEvents = new Counter({
    name: 'phone_auth_events_total',
    help: 'Sign-in steps (otp_sent, otp_failed by reason, rate_limited by limit, signed_in, ...)',
    labelNames: ['type', 'reason'] as const,
    registers: [registry],
  })
  const smsSeconds = new Histogram({
    name: 'phone_auth_sms_send_duration_seconds',
    help: 'Time for the SMS provider to accept or refuse a message, by outcome',
    labelNames: ['provider', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  })
  const webhookDeliveries = new Counter({
    name: 'phone_auth_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (will retry) or dead_lettered (given up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const webhookPending = new Gauge({ name: 'phone_auth_webhook_pending_events', help: 'Lifecycle events waiting for delivery', registers: [registry] })
  const webhookOldest = new Gauge({
    name: 'phone_auth_webhook_oldest_pending_seconds',
    help: 'Age of the oldest event waiting for delivery (0 when none)',
    registers: [registry],
  })
  const webhookDead = new Gauge({ name: 'phone_auth_webhook_dead_lettered_events', help: 'Events given up after WEBHOOK_RETRY_SECONDS', registers: [registry] })
  const captchaChecks = new Counter({
    name: 'phone_auth_captcha_checks_total',
    help: 'CAPTCHA checks before a send, by outcome (passed, refused, unavailable, missing, malformed, ip_capped)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const pumpingSuspected = new Counter({
    name: 'phone_auth_pumping_suspect_prefixes_total',
    help: 'Destination prefixes the SMS-pumping guard judged suspect (low conversion), by region',
    labelNames: ['country'] as const,
    registers: [registry],
  })
  const pumpingRefused = new Counter({
    name: 'phone_auth_pumping_refused_sends_total',
    help: 'Sends refused because their destination prefix is suspect, by region',
    labelNames: ['country'] as const,
    registers: [registry],
  })
  const deliveryReports = new Counter({
    name: 'phone_auth_sms_delivery_reports_total',
    help: 'MSG91 delivery reports by region and status (delivered, failed, ndnc, rejected, blocked, other, unknown_request)',
    labelNames: ['country', 'status'] as const,
    registers: [registry],
  })
  return {
    registry,
    abuse: {
      captchaChecked: (outcome: string) => captchaChecks.inc({ outcome }),
      prefixSuspected: (country: string) => pumpingSuspected.inc({ country }),
      sendRefusedByGuard: (country: string) => pumpingRefused.inc({ country }),
      deliveryReported: (country: string, status: string) => deliveryReports.inc({ country, status }),
    },
    webhooks: {
      countAttempt(outcome: 'delivered' | 'failed' | 'dead_lettered'): void {
        webhookDeliveries.inc({ outcome })
      },
      setOutbox(stats: { pending: number; oldestPendingSeconds: number; dead: number }): void {
        webhookPending.set(stats.pending)
        webhookOldest.set(stats.oldestPendingSeconds)
        webhookDead.set(stats.dead)
      },
    },
    observeRequest(fields: readonly string[], seconds: number, failed: boolean): void {
      for (const field of fields) {
        operations.inc({ field, outcome: failed ? 'error' : 'ok' })
        operationSeconds.observe({ field }, seconds)
      }
    },
    /** Counts every audit event by type and reason (detail is a closed set of words). */
    events: {
      record(event: { type: string; detail?: string | null }): void {
        authEvents.inc({ type: event.type, reason: event.detail ?? '' })
      },
    },
    observeSms(provider: string, outcome: string, seconds: number): void {
      smsSeconds.observe({ provider, outcome }, seconds)
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
