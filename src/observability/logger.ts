import { pino, type DestinationStream, type Logger } from 'pino'
import { currentRequestId } from './request-scope.ts'

export type { Logger }

/**
 * Field names that may carry a secret anywhere in a log object. Redaction is the
 * second line of defence: the code never passes these values to the logger at all.
 */
const secretFields = ['otp', 'token', 'accessToken', 'refreshToken', 'authkey', 'authKey', 'authorization', 'secret', 'password']

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = [...secretFields, ...secretFields.map((f) => `*.${f}`), 'req.headers.authorization', 'req.headers.cookie']
  return pino(
    {
      level,
      base: { service: 'phone-auth' },
      redact: { paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written while serving a request carries its id (also in the answer).
      mixin: () => {
        const requestId = currentRequestId()
        return requestId ? { requestId } : {}
      },
    },
    destination,
  )
}
