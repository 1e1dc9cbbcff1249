import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, useTestStores, type TestApp } from '../helpers.ts'
import { startFakeMsg91, type FakeMsg91 } from '../support/fake-msg91.ts'
import { linesWithNumber } from '../support/log-scan.ts'
import { memoryLog, type MemoryLog } from '../support/memory-log.ts'
import { productionEnv } from '../support/production-env.ts'
import { startServer, type ServerProcess } from '../support/server-process.ts'
import { createTestDatabase, createTestRedis, describeReal, realRedisUrl, type TestDatabase, type TestRedis } from '../support/services.ts'

/**
 * Issue 3, "Test numbers" (for app store review and demos): matched before number
 * validation and the country allowlist, never sent an SMS, signed in with their fixed
 * code — and otherwise held to the same attempt limits, with every use audited.
 */

const stores = useTestStores()
const testNumber = '+15555550100'
const fixedCode = '246810'
const TEST_PHONE_NUMBERS = `${testNumber}:${fixedCode}`

async function appWithLog(env: Record<string, string> = {}): Promise<{ t: TestApp; log: MemoryLog }> {
  const log = memoryLog('info')
  const t = await createTestApp({ ...stores, logger: log.logger, env: { TEST_PHONE_NUMBERS, ...env } })
  return { t, log }
}

describe('TEST_PHONE_NUMBERS', () => {
  it('answers OtpSent for a test number outside the allowed countries and sends no SMS', async () => {
    const { t } = await appWithLog()
    expect(await t.requestOtp(testNumber)).toMatchObject({ __typename: 'OtpSent', phone: testNumber, codeLength: 6 })
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('matches the test number as typed with spaces and dashes', async () => {
    const { t } = await appWithLog()
    expect(await t.requestOtp('+1 555-555-0100')).toMatchObject({ __typename: 'OtpSent', phone: testNumber })
    expect(t.inbox.messages).toHaveLength(0)
  })

  it('signs the test number in with its fixed code', async () => {
    const { t } = await appWithLog()
    await t.requestOtp(testNumber)
    expect(await t.verifyOtp(testNumber, fixedCode)).toMatchObject({ __typename: 'AuthSession', user: { phone: testNumber } })
  })

  it('does not accept the fixed code before a code was requested', async () => {
    const { t } = await appWithLog()
    expect(await t.verifyOtp(testNumber, fixedCode)).toMatchObject({ reason: 'EXPIRED' })
  })

  it('counts wrong codes and burns the code at OTP_MAX_ATTEMPTS like any number', async () => {
    const { t } = await appWithLog({ OTP_MAX_ATTEMPTS: '3' })
    await t.requestOtp(testNumber)
    expect(await t.verifyOtp(testNumber, '000000')).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 2 })
    expect(await t.verifyOtp(testNumber, '000001')).toMatchObject({ reason: 'INCORRECT', attemptsRemaining: 1 })
    expect(await t.verifyOtp(testNumber, '000002')).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
    expect(await t.verifyOtp(testNumber, fixedCode)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' })
  })

  it('counts wrong codes of a test number against the per-number failure cap', async () => {
    const { t } = await appWithLog({ OTP_MAX_FAILURES_PER_PHONE: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' })
    await t.requestOtp(testNumber)
    await t.verifyOtp(testNumber, '000000')
    await t.requestOtp(testNumber)
    await t.verifyOtp(testNumber, '000001')
    await t.requestOtp(testNumber)
    expect(await t.verifyOtp(testNumber, fixedCode)).toMatchObject({ __typename: 'RateLimitedError' })
  })

  it('audits every request for a test number with a warn line otp.test_number_used that holds no code', async () => {
    const { t, log } = await appWithLog({ OTP_RESEND_COOLDOWN_SECONDS: '0' })
    await t.requestOtp(testNumber, '203.0.113.77')
    await t.requestOtp(testNumber, '203.0.113.78')
    const audits = log.entries().filter((entry) => entry.event === 'otp.test_number_used')
    expect(audits).toHaveLength(2)
    expect(audits.map((entry) => [entry.level, entry.phone, entry.ip])).toEqual([
      [40, testNumber, '203.0.113.77'],
      [40, testNumber, '203.0.113.78'],
    ])
    expect(linesWithNumber(log.text(), fixedCode)).toEqual([])
  })

  it('writes no test-number audit line for ordinary numbers', async () => {
    const { t, log } = await appWithLog()
    await t.requestOtp('+919812345670')
    expect(log.entries().filter((entry) => entry.event === 'otp.test_number_used')).toEqual([])
  })
})

describeReal('TEST_PHONE_NUMBERS in production', ['redis', 'postgres'], () => {
  let fake: FakeMsg91
  let database: TestDatabase
  let redis: TestRedis
  let server: ServerProcess

  beforeAll(async () => {
    fake = await startFakeMsg91()
    database = await createTestDatabase()
    redis = await createTestRedis()
    server = await startServer({
      env: productionEnv({
        databaseUrl: database.databaseUrl!,
        redisUrl: realRedisUrl()!,
        msg91BaseUrl: fake.baseUrl,
        keyPrefix: redis.keyPrefix,
        extra: { TEST_PHONE_NUMBERS },
      }),
    })
  })

  afterAll(async () => {
    await server?.stop()
    await fake?.close()
    await redis?.close()
    await database?.drop()
  })

  it('logs a warning at start-up that test numbers are configured, without their codes', async () => {
    const [line] = await server.waitForLog(/^.*TEST_PHONE_NUMBERS is set.*$/m)
    expect(JSON.parse(line)).toMatchObject({ level: 40 })
    expect(linesWithNumber(server.logs(), fixedCode)).toEqual([])
  })
})
