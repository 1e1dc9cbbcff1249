import { SmsSendError, type OtpMessage, type SmsSender } from '../../src/sms/sender.ts'

/**
 * A fake SMS sender that keeps every message, so tests read the code the way a person
 * reads their phone. It can be told to fail the next sends in either way MSG91 can fail.
 */
export class SmsInbox implements SmsSender {
  readonly name = 'inbox'
  readonly messages: OtpMessage[] = []
  private failures: SmsSendError['outcome'][] = []

  async send(message: OtpMessage) {
    const failure = this.failures.shift()
    if (failure) throw new SmsSendError('provider refused (test)', failure)
    this.messages.push(message)
    return { providerMessageId: `inbox-${this.messages.length}` }
  }

  failNext(outcome: SmsSendError['outcome']): void {
    this.failures.push(outcome)
  }

  lastCodeFor(phone: string): string {
    const message = this.messages.findLast((m) => m.phone === phone)
    if (!message) throw new Error(`no SMS was sent to ${phone}`)
    return message.code
  }

  countFor(phone: string): number {
    return this.messages.filter((m) => m.phone === phone).length
  }
}
