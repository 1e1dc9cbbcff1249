import { createHmac } from 'node:crypto'

/**
 * Standard Webhooks signing: `v1,` and the base64 HMAC-SHA256, keyed by the secret's
 * bytes, of `<webhook-id>.<webhook-timestamp>.<body>`. Every attempt is signed anew with
 * its own timestamp, because receivers refuse timestamps older than a few minutes.
 */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`
}

export function webhookHeaders(key: Buffer, id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'phone-auth-webhooks',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(key, id, timestampSeconds, body),
  }
}
