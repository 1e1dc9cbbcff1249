/** One SMS carrying a one-time code. */
export interface OtpMessage {
  /** E.164, e.g. +919812345678 */
  phone: string
  code: string
}

export interface SmsSendResult {
  /** The provider's id for the accepted message, safe to log. */
  providerMessageId?: string
}

/**
 * Why a send failed matters for the stored code: a message that definitely did not go
 * out leaves no usable code, while one that may still arrive keeps it (msg91.md).
 */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly outcome: 'not-sent' | 'maybe-sent',
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'SmsSendError'
  }
}

export interface SmsSender {
  readonly name: string
  /** Resolves when the provider accepted the message; rejects with SmsSendError. */
  send(message: OtpMessage): Promise<SmsSendResult>
  /** Releases what the sender holds open (idle sockets), at shutdown. */
  close?(): void
}
