import { describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.ts'
import { createTestApp, uniquePhone, useTestStores, type TestApp } from '../helpers.ts'
import { isAuditBatch } from '../support/recording-prisma.ts'

/**
 * Issue 3, "No enumeration": requestOtp answers the same for numbers with and without
 * an account, with sign-up on or off. Timing is not measured (that would be a flaky
 * test); instead the test shows that requestOtp never asks the database, which is what
 * would make the answer or its timing depend on the account.
 */

const stores = useTestStores()

/** The database with every use of its Prisma client and of its hot query recorded while `recording` is on. */
function watchedDatabase(database: Database) {
  const touched: string[] = []
  const watch = { recording: false, touched }
  const prisma = new Proxy(database.prisma, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (property === '$executeRaw' && typeof value === 'function') {
        return (...args: unknown[]) => {
          // Only uses other than the audit trail's batches count as consulting.
          if (watch.recording && !isAuditBatch(args)) touched.push('$executeRaw')
          return value.apply(target, args)
        }
      }
      if (watch.recording) touched.push(String(property))
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const hotQuery: Database['hotQuery'] = (statement) => {
    if (watch.recording) touched.push('hotQuery')
    return database.hotQuery(statement)
  }
  return { watch, database: { ...database, prisma, hotQuery } as Database }
}

/** Everything of an answer except the number it names. */
function withoutPhone(answer: Record<string, unknown>) {
  return { ...answer, phone: '<phone>' }
}

describe.each([
  ['sign-up open', 'true'],
  ['sign-up closed', 'false'],
])('requestOtp with %s', (_label, ALLOW_SIGN_UP) => {
  async function setUp(): Promise<{ t: TestApp; known: string; watch: { recording: boolean; touched: string[] } }> {
    // The account is made through an app with sign-up open; the app under test may not allow it.
    const known = (await (await createTestApp(stores)).signIn()).user.phone
    const { watch, database } = watchedDatabase(stores.database)
    const t = await createTestApp({ ...stores, database, env: { ALLOW_SIGN_UP } })
    return { t, known, watch }
  }

  it('answers a number with an account exactly as one without', async () => {
    const { t, known } = await setUp()
    const withAccount = await t.requestOtp(known)
    const withoutAccount = await t.requestOtp(uniquePhone())
    expect(withAccount.__typename).toBe('OtpSent')
    expect(withoutPhone(withAccount)).toEqual(withoutPhone(withoutAccount))
  })

  it('answers the same typed error for either when the number is refused', async () => {
    const { t, known } = await setUp()
    await t.requestOtp(known)
    const unknown = uniquePhone()
    await t.requestOtp(unknown)
    // Both are now within their resend cooldown.
    const [withAccount, withoutAccount] = [await t.requestOtp(known), await t.requestOtp(unknown)]
    expect(withAccount.__typename).toBe('RateLimitedError')
    expect(Object.keys(withAccount).sort()).toEqual(Object.keys(withoutAccount).sort())
    expect(withAccount.code).toBe(withoutAccount.code)
  })

  it('does not consult the database at all', async () => {
    const { t, known, watch } = await setUp()
    watch.recording = true
    await t.requestOtp(known)
    await t.requestOtp(uniquePhone())
    // The audit trail of both requests is written while the watch records, and ignored.
    await t.events.flush()
    watch.recording = false
    expect(watch.touched).toEqual([])
  })
})

describe('the database watch itself', () => {
  it('records the database use of a sign-in, so its silence above means something', async () => {
    const { watch, database } = watchedDatabase(stores.database)
    const t = await createTestApp({ ...stores, database })
    watch.recording = true
    await t.signIn()
    expect(watch.touched.length).toBeGreaterThan(0)
  })
})
