import type { Config } from '../config/config.ts'
import type { Logger } from '../observability/logger.ts'
import { createConsoleSender } from './console.ts'
import { createMsg91Sender } from './msg91.ts'
import type { SmsSender } from './sender.ts'

/** The sender SMS_PROVIDER names; config validation has ensured its settings exist. */
export function createSmsSender(config: Config, logger: Logger): SmsSender {
  const { sms } = config
  if (sms.provider === 'console') return createConsoleSender(logger)
  return createMsg91Sender({
    authKey: sms.msg91.authKey!,
    templateId: sms.msg91.templateId!,
    senderId: sms.msg91.senderId,
    baseUrl: sms.msg91.baseUrl,
    timeoutMs: sms.msg91.timeoutMs,
    appDomain: sms.appDomain,
    appHash: sms.appHash,
    logger: logger.child({ component: 'msg91' }),
  })
}
