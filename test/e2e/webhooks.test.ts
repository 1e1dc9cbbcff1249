import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { consoleCodePattern } from '../support/log-scan.ts'
import { makeTempDir, removeDir, startServer, type ServerProcess } from '../support/server-process.ts'
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'

/**
 * WEBHOOK_URL on the service as `npm start` runs it (embedded stand-ins): the app's
 * backend hears about a sign-up and a deletion, signed, and a receiver that is down
 * never takes the service out of rotation.
 */

describe('webhooks from the running service', () => {
  const dataDir = makeTempDir('phone-auth-webhooks-')
  const secret = newWebhookSecret()
  let receiver: WebhookReceiver
  let server: ServerProcess

  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret)
    server = await startServer({ env: { DATA_DIR: dataDir, WEBHOOK_URL: receiver.url(), WEBHOOK_SECRET: secret, OTP_RESEND_COOLDOWN_SECONDS: '0' } })
  })

  afterAll(async () => {
    await server?.stop()
    await receiver?.close()
    removeDir(dataDir)
  })

  async function codeFor(phone: string): Promise<string> {
    const from = server.logs().length
    const sent = await graphqlClient(server.baseUrl).requestOtp(phone)
    const [, code] = await server.waitForLog(consoleCodePattern(sent.phone, sent.codeLength), 5_000, from)
    return code!
  }

  it('announces a sign-up and a deletion to WEBHOOK_URL, signed', async () => {
    const client = graphqlClient(server.baseUrl)
    const phone = `+91${randomIndianMobile()}`
    const session = await client.verifyOtp(phone, await codeFor(phone))
    await client.post('mutation { deleteAccount { __typename } }', {}, { accessToken: session.accessToken })
    await vi.waitFor(() => expect(receiver.received.map((r) => r.type)).toEqual(['user.created', 'user.deleted']), { timeout: 10_000, interval: 50 })
    expect(receiver.received.every((r) => r.userId === session.user.id)).toBe(true)
    expect(receiver.problems).toEqual([])
  })

  it('stays ready while the receiver is down', async () => {
    await receiver.down()
    try {
      const client = graphqlClient(server.baseUrl)
      const phone = `+91${randomIndianMobile()}`
      await client.verifyOtp(phone, await codeFor(phone))
      await server.waitForLog(/webhook attempt failed/, 10_000)
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200)
    } finally {
      await receiver.up()
    }
    await vi.waitFor(() => expect(receiver.received).toHaveLength(3), { timeout: 15_000, interval: 100 })
  })
})
