import { generateKeyPairSync, randomBytes } from 'node:crypto'

/**
 * The environment of a NODE_ENV=production server process on real stores and a fake
 * MSG91 (as in test/e2e/production.test.ts). Secrets are fresh per test process.
 */

export const productionSecrets = {
  otpSecretHex: randomBytes(32).toString('hex'),
  jwtPrivateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  authKey: `ak-${randomBytes(12).toString('hex')}`,
  templateId: `tpl-${randomBytes(6).toString('hex')}`,
}

export interface ProductionEnvOptions {
  databaseUrl: string
  redisUrl: string
  msg91BaseUrl: string
  /** A unique REDIS_KEY_PREFIX keeps the file's keys apart on a shared Redis. */
  keyPrefix?: string
  /** Anything else, e.g. MSG91_TIMEOUT_MS or limits; wins over the defaults here. */
  extra?: Record<string, string>
}

export function productionEnv(options: ProductionEnvOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.keyPrefix ?? `t${randomBytes(4).toString('hex')}:`,
    OTP_SECRET: productionSecrets.otpSecretHex,
    JWT_PRIVATE_KEY: productionSecrets.jwtPrivateKeyPem,
    MSG91_AUTHKEY: productionSecrets.authKey,
    MSG91_TEMPLATE_ID: productionSecrets.templateId,
    MSG91_BASE_URL: options.msg91BaseUrl,
    APP_DOMAIN: 'example.app',
    ...options.extra,
  }
}

/** Milliseconds `work` took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}
