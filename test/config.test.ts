import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, type Config } from '../src/config/config.ts'

type Env = Record<string, string | undefined>

/** The problems a ConfigError lists for `env`, or [] when the config loads. */
function problemsOf(env: Env): string[] {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.problems
  }
}

const secretHex = 'a1'.repeat(32)
const productionEnv: Env = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal/phone_auth',
  REDIS_URL: 'rediss://cache.internal:6380',
  OTP_SECRET: secretHex,
  JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  MSG91_AUTHKEY: 'authkey',
  MSG91_TEMPLATE_ID: 'template',
}

describe('loadConfig defaults', () => {
  const config = loadConfig({})
  const defaults: [string, (c: Config) => unknown, unknown][] = [
    ['OTP_LENGTH', (c) => c.otp.length, 6],
    ['OTP_TTL_SECONDS', (c) => c.otp.ttlSeconds, 300],
    ['OTP_MAX_ATTEMPTS', (c) => c.otp.maxAttempts, 5],
    ['OTP_RESEND_COOLDOWN_SECONDS', (c) => c.otp.resendCooldownSeconds, 30],
    ['OTP_SEND_WINDOW_SECONDS', (c) => c.otp.sendWindowSeconds, 3600],
    ['OTP_MAX_SENDS_PER_PHONE', (c) => c.otp.maxSendsPerPhone, 5],
    ['OTP_MAX_SENDS_PER_IP', (c) => c.otp.maxSendsPerIp, 50],
    ['OTP_MAX_SENDS_GLOBAL', (c) => c.otp.maxSendsGlobal, 0],
    ['OTP_FAILURE_WINDOW_SECONDS', (c) => c.otp.failureWindowSeconds, 86400],
    ['OTP_MAX_FAILURES_PER_PHONE', (c) => c.otp.maxFailuresPerPhone, 100],
    ['OTP_MAX_FAILURES_PER_IP', (c) => c.otp.maxFailuresPerIp, 100],
    ['DEFAULT_COUNTRY', (c) => c.phone.defaultCountry, 'IN'],
    ['ALLOWED_COUNTRIES', (c) => c.phone.allowedCountries, new Set(['IN'])],
    ['ACCESS_TOKEN_TTL_SECONDS', (c) => c.jwt.accessTokenTtlSeconds, 900],
    ['REFRESH_TOKEN_TTL_SECONDS', (c) => c.session.refreshTokenTtlSeconds, 2592000],
    ['SESSION_MAX_AGE_SECONDS', (c) => c.session.maxAgeSeconds, 7776000],
    ['REFRESH_REUSE_GRACE_SECONDS', (c) => c.session.reuseGraceSeconds, 30],
    ['JWT_ISSUER', (c) => c.jwt.issuer, 'phone-auth'],
    ['JWT_AUDIENCE', (c) => c.jwt.audience, 'phone-auth'],
    ['HOST', (c) => c.host, '127.0.0.1'],
    ['PORT', (c) => c.port, 4000],
    ['REDIS_KEY_PREFIX', (c) => c.redisKeyPrefix, 'pa:'],
    ['MSG91_BASE_URL', (c) => c.sms.msg91.baseUrl, 'https://control.msg91.com'],
    ['MSG91_TIMEOUT_MS', (c) => c.sms.msg91.timeoutMs, 4000],
    ['APP_DOMAIN', (c) => c.sms.appDomain, 'localhost'],
    ['SMS_PROVIDER', (c) => c.sms.provider, 'console'],
    ['ALLOW_SIGN_UP', (c) => c.allowSignUp, true],
    ['REAUTH_WINDOW_SECONDS', (c) => c.session.reauthWindowSeconds, 300],
    ['DORMANT_ACCOUNT_DAYS', (c) => c.dormantAccountDays, 0],
    ['WEBHOOK_URL', (c) => c.webhook.url, undefined],
    ['WEBHOOK_TIMEOUT_MS', (c) => c.webhook.timeoutMs, 5000],
    ['WEBHOOK_RETRY_SECONDS', (c) => c.webhook.retrySeconds, 86400],
    ['MIGRATE_ON_START', (c) => c.migrateOnStart, true],
    ['TRUST_PROXY', (c) => c.trustProxy, { kind: 'socket' }],
  ]
  it.each(defaults)('defaults %s as config.md says when the environment is empty', (_name, select, expected) => {
    expect(select(config)).toEqual(expected)
  })

  it('picks the msg91 sender when MSG91_AUTHKEY is set', () => {
    expect(loadConfig({ MSG91_AUTHKEY: 'k', MSG91_TEMPLATE_ID: 't' }).sms.provider).toBe('msg91')
  })

  it('defaults ALLOWED_COUNTRIES to a configured DEFAULT_COUNTRY', () => {
    expect(loadConfig({ DEFAULT_COUNTRY: 'us' }).phone.allowedCountries).toEqual(new Set(['US']))
  })
})

describe('loadConfig validation', () => {
  it('keeps a configured 0 for every cap instead of falling back to the default', () => {
    const names = ['OTP_MAX_SENDS_PER_PHONE', 'OTP_MAX_SENDS_PER_IP', 'OTP_MAX_FAILURES_PER_PHONE', 'OTP_MAX_FAILURES_PER_IP']
    const { otp } = loadConfig(Object.fromEntries(names.map((n) => [n, '0'])))
    expect([otp.maxSendsPerPhone, otp.maxSendsPerIp, otp.maxFailuresPerPhone, otp.maxFailuresPerIp]).toEqual([0, 0, 0, 0])
  })

  it('reports every invalid value in one ConfigError', () => {
    const problems = problemsOf({ OTP_LENGTH: '5', PORT: 'abc', OTP_SECRET: 'abcd' })
    expect(problems).toHaveLength(3)
    for (const name of ['OTP_LENGTH', 'PORT', 'OTP_SECRET']) expect(problems.join('\n')).toContain(name)
  })

  it.each(['5', '11', '-6', 'six'])('refuses OTP_LENGTH=%s (outside 6..10)', (value) => {
    expect(problemsOf({ OTP_LENGTH: value })).toEqual([expect.stringContaining('OTP_LENGTH')])
  })

  it('reads DORMANT_ACCOUNT_DAYS as whole days and refuses a negative one', () => {
    expect(loadConfig({ DORMANT_ACCOUNT_DAYS: '365' }).dormantAccountDays).toBe(365)
    expect(problemsOf({ DORMANT_ACCOUNT_DAYS: '-1' }).map((p) => p.split(':')[0])).toEqual(['DORMANT_ACCOUNT_DAYS'])
  })

  it('needs WEBHOOK_SECRET when WEBHOOK_URL is set', () => {
    expect(problemsOf({ WEBHOOK_URL: 'https://app.example.com/hooks' }).map((p) => p.split(':')[0])).toEqual(['WEBHOOK_SECRET'])
  })

  it('reads WEBHOOK_SECRET as whsec_ and base64, and writes lifecycle events only with a WEBHOOK_URL', () => {
    const key = Buffer.alloc(32, 7)
    const config = loadConfig({ WEBHOOK_URL: 'https://app.example.com/hooks', WEBHOOK_SECRET: `whsec_${key.toString('base64')}` })
    expect(config.webhook.secret).toEqual(key)
    expect(config.lifecycleEvents).toBe(true)
    expect(loadConfig({}).lifecycleEvents).toBe(false)
  })

  it('refuses a WEBHOOK_SECRET without the whsec_ prefix or too short, without echoing it', () => {
    for (const secret of [Buffer.alloc(32, 7).toString('base64'), `whsec_${Buffer.alloc(8, 7).toString('base64')}`]) {
      const problems = problemsOf({ WEBHOOK_URL: 'https://app.example.com/hooks', WEBHOOK_SECRET: secret })
      expect(problems.map((p) => p.split(':')[0])).toEqual(['WEBHOOK_SECRET'])
      expect(problems.join(' ')).not.toContain(secret)
    }
  })

  it('accepts OTP_LENGTH=10', () => {
    expect(loadConfig({ OTP_LENGTH: '10' }).otp.length).toBe(10)
  })

  it('decodes OTP_SECRET given as 64 hex characters', () => {
    expect(loadConfig({ OTP_SECRET: secretHex }).otp.secret).toEqual(Buffer.from(secretHex, 'hex'))
  })

  it('decodes OTP_SECRET given as base64 of 32 bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i))
    expect(loadConfig({ OTP_SECRET: bytes.toString('base64') }).otp.secret).toEqual(bytes)
  })

  it.each([
    ['31 bytes of hex', 'ab'.repeat(31)],
    ['31 bytes of base64', Buffer.alloc(31, 7).toString('base64')],
  ])('refuses an OTP_SECRET of %s', (_label, value) => {
    expect(problemsOf({ OTP_SECRET: value })).toEqual([expect.stringContaining('OTP_SECRET')])
  })
})

describe('loadConfig in production and on exposed hosts', () => {
  it('lists every missing production setting at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' })
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'OTP_SECRET', 'JWT_PRIVATE_KEY', 'SMS_PROVIDER']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true)
    }
    expect(problems).toHaveLength(5)
  })

  it('loads in production when every required setting is present', () => {
    expect(loadConfig(productionEnv)).toMatchObject({ production: true, sms: { provider: 'msg91' } })
  })

  it('refuses the embedded stand-ins and the console sender on HOST=0.0.0.0', () => {
    const problems = problemsOf({ HOST: '0.0.0.0' })
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'REDIS_URL', 'SMS_PROVIDER'])
  })

  it('refuses the console sender on a non-loopback HOST even with real stores', () => {
    const env = { ...productionEnv, NODE_ENV: 'development', HOST: '0.0.0.0', SMS_PROVIDER: 'console' }
    expect(problemsOf(env)).toEqual([expect.stringContaining('console sender')])
  })

  it.each(['localhost', '::1', '127.0.0.2'])('runs the stand-ins and the console sender on loopback HOST=%s', (host) => {
    expect(loadConfig({ HOST: host })).toMatchObject({ host, sms: { provider: 'console' }, databaseUrl: undefined })
  })
})

describe('loadConfig list settings', () => {
  it('parses REDIS_CLUSTER_NODES into host and port seeds', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r1.internal:7000, 10.0.0.5:7001' }).redisClusterNodes).toEqual([
      { host: 'r1.internal', port: 7000 },
      { host: '10.0.0.5', port: 7001 },
    ])
  })

  it('refuses a REDIS_CLUSTER_NODES seed without a port', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'r1.internal:7000,r2.internal' })).toEqual([expect.stringContaining("'r2.internal'")])
  })

  it('accepts REDIS_CLUSTER_NODES in place of REDIS_URL in production', () => {
    expect(problemsOf({ ...productionEnv, REDIS_URL: undefined, REDIS_CLUSTER_NODES: 'r1:7000' })).toEqual([])
  })

  it("reads ALLOWED_COUNTRIES='*' as every country", () => {
    expect(loadConfig({ ALLOWED_COUNTRIES: '*' }).phone.allowedCountries).toBe('*')
  })

  it('reads ALLOWED_COUNTRIES as a set of upper-case regions', () => {
    expect(loadConfig({ ALLOWED_COUNTRIES: 'in, us,GB' }).phone.allowedCountries).toEqual(new Set(['IN', 'US', 'GB']))
  })

  it('refuses an ALLOWED_COUNTRIES entry that is not a two-letter region', () => {
    expect(problemsOf({ ALLOWED_COUNTRIES: 'IN,India' })).toEqual([expect.stringContaining('ALLOWED_COUNTRIES')])
  })

  it('parses TEST_PHONE_NUMBERS into number → code', () => {
    const numbers = loadConfig({ TEST_PHONE_NUMBERS: '+15555550100:246810, +1 555 555-0101:135790' }).otp.testPhoneNumbers
    expect([...numbers]).toEqual([['+15555550100', '246810'], ['+15555550101', '135790']])
  })

  it('refuses a TEST_PHONE_NUMBERS code whose length differs from OTP_LENGTH', () => {
    expect(problemsOf({ TEST_PHONE_NUMBERS: '+15555550100:2468' })).toEqual([expect.stringContaining('OTP_LENGTH')])
    expect(loadConfig({ OTP_LENGTH: '8', TEST_PHONE_NUMBERS: '+15555550100:24681012' }).otp.testPhoneNumbers.size).toBe(1)
  })

  it('reports a malformed TEST_PHONE_NUMBERS entry without echoing its code', () => {
    const problems = problemsOf({ TEST_PHONE_NUMBERS: '+15555550100:97531x' })
    expect(problems).toEqual([expect.stringContaining('TEST_PHONE_NUMBERS')])
    expect(problems.join('\n')).not.toContain('97531')
  })

  it('does not echo a TEST_PHONE_NUMBERS entry that lacks the colon', () => {
    expect(problemsOf({ TEST_PHONE_NUMBERS: '+15555550100=246810' }).join('\n')).not.toContain('246810')
  })

  it('refuses a REDIS_CLUSTER_NODES port above 65535', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'r1:99999' })).toEqual([expect.stringContaining('REDIS_CLUSTER_NODES')])
  })

  it('reads TRUST_PROXY as a hop count', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 })
  })

  it('reads TRUST_PROXY as a list of trusted CIDRs', () => {
    const trust = loadConfig({ TRUST_PROXY: '10.0.0.0/8, 2001:db8::/32' }).trustProxy
    if (trust.kind !== 'cidrs') throw new Error(`expected CIDRs, got ${trust.kind}`)
    expect(trust.trusted.check('10.200.0.1', 'ipv4')).toBe(true)
    expect(trust.trusted.check('2001:db8:1::1', 'ipv6')).toBe(true)
    expect(trust.trusted.check('11.0.0.1', 'ipv4')).toBe(false)
  })

  it.each(['proxy.internal', '10.0.0.0/33'])('reports TRUST_PROXY=%s as a problem instead of crashing', (value) => {
    expect(problemsOf({ TRUST_PROXY: value })).toEqual([expect.stringContaining('TRUST_PROXY')])
  })
})
