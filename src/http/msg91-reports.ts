import { createHash, timingSafeEqual } from 'node:crypto'
import type { Plugin } from 'graphql-yoga'
import { recordDeliveryReports } from '../auth/delivery-reports.ts'
import { ServiceUnavailableError } from '../common/errors.ts'
import { parseMsg91Reports } from '../sms/msg91-reports.ts'
import { badRequestResponse } from './bad-request.ts'
import { readBodyAtMost } from './bounded-body.ts'
import type { Deps } from './deps.ts'

const reportPath = '/webhooks/msg91/'
/** A batch of reports is a few kB; anything far larger is not from MSG91. */
export const maxReportBytes = 16 * 1024

/**
 * POST /webhooks/msg91/<MSG91_WEBHOOK_TOKEN>: MSG91's delivery reports. MSG91 signs
 * nothing, so the secret path segment is the authentication: compared in constant time
 * with each configured token (two during a rotation), and an unknown one gets a bare 404,
 * as for any path that does not exist.
 */
export function useMsg91Reports(deps: Deps): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(reportPath)) return
      if (!tokenMatches(url.pathname.slice(reportPath.length), deps.config.msg91WebhookTokens)) return endResponse(new Response(null, { status: 404 }))
      if (request.method !== 'POST') return endResponse(new Response(null, { status: 405, headers: { allow: 'POST' } }))
      const body = await readBodyAtMost(request, maxReportBytes)
      if (body === null) return endResponse(badRequestResponse(`The request body is over ${maxReportBytes} bytes.`, 413, { connection: 'close' }))
      const reports = parseMsg91Reports(body, request.headers.get('content-type') ?? '')
      if (!reports) return endResponse(badRequestResponse('Not an MSG91 delivery report (JSON, or form-encoded data=<JSON>).', 400))
      try {
        const recorded = await recordDeliveryReports(deps, reports)
        endResponse(Response.json(recorded))
      } catch (error) {
        if (!(error instanceof ServiceUnavailableError)) throw error
        // MSG91 retries a report that was not acknowledged.
        endResponse(Response.json({ error: 'try again' }, { status: 503 }))
      }
    },
  }
}

function tokenMatches(presented: string, tokens: readonly string[]): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  const presentedDigest = digest(presented)
  let matched = false
  // Every configured token is compared, always: no early exit to time.
  for (const token of tokens) matched = timingSafeEqual(presentedDigest, digest(token)) || matched
  return matched
}
