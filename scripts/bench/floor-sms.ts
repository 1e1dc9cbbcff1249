import http from 'node:http'
import { floorLimits } from './limits.ts'

/**
 * The floor's SMS: one MSG91 Flow API POST per code (the wire format of
 * ../shared/contract/msg91.md) over a keep-alive agent, so no send pays a handshake.
 * Accepted means `{"type":"success"}`; anything else is a failed send.
 */
export function msg91Sender(baseUrl: string) {
  const { authKey, templateId, appDomain, timeoutMs } = floorLimits.msg91
  const url = new URL('/api/v5/flow', baseUrl)
  const agent = new http.Agent({ keepAlive: true })
  const send = (phone: string, code: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        template_id: templateId,
        short_url: '0',
        realTimeResponse: '1',
        recipients: [{ mobiles: phone.slice(1), var1: appDomain, var2: code }],
      })
      const headers = { authkey: authKey, 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) }
      const request = http.request(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const answer = parse(Buffer.concat(chunks).toString('utf8'))
          if (response.statusCode === 200 && answer?.type === 'success' && typeof answer.message === 'string') resolve(answer.message)
          else reject(new Error(`MSG91 did not accept the SMS (HTTP ${response.statusCode})`))
        })
      })
      request.on('timeout', () => request.destroy(new Error('MSG91 did not answer in time')))
      request.on('error', reject)
      request.end(body)
    })
  return { send, close: () => agent.destroy() }
}

function parse(text: string): { type?: unknown; message?: unknown } | undefined {
  try {
    return JSON.parse(text) as { type?: unknown; message?: unknown }
  } catch {
    return undefined
  }
}
