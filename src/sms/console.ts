import type { Logger } from 'pino'
import type { SmsSender } from './sender.ts'

/**
 * Development stand-in: the code goes to the log instead of a phone, so a developer can
 * copy it. It prints a secret on purpose, which is why the config layer refuses it in
 * production and on a non-loopback HOST.
 */
export function createConsoleSender(logger: Logger): SmsSender {
  return {
    name: 'console',
    async send(message) {
      // `smsText` rather than a `code` field: the logger redacts fields named like secrets.
      logger.info({ phone: message.phone, smsText: `Your code is ${message.code}` }, 'sms (console sender, development only)')
      return {}
    },
  }
}
