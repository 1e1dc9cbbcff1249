import { expect } from 'vitest'
import { createTestApp, uniquePhone, useTestStores } from '../helpers.ts'
import { describeReal, itReal } from '../support/services.ts'

/**
 * What Redis holds per pending code and per revoked session, so an operator can size it
 * (README, "Scaling out"). MEMORY USAGE on real Redis, keys included.
 */

const stores = useTestStores()

async function memoryOf(pattern: string): Promise<number> {
  const keys = await stores.redis.redis.keys(pattern)
  const sizes = await Promise.all(keys.map((key) => stores.redis.redis.memory('USAGE', key)))
  return sizes.reduce<number>((sum, size) => sum + Number(size ?? 0), 0)
}

describeReal('Redis memory', ['redis'], () => {
  itReal('is under 600 bytes per pending code (code, cooldown and send counter of the number)', ['redis'], async () => {
    const t = await createTestApp({ ...stores, env: { PUMPING_GUARD: 'off' } })
    const phone = uniquePhone()
    await t.requestOtp(phone)
    const bytes = await memoryOf(`*{${phone}}*`)
    expect(bytes).toBeGreaterThan(0)
    expect(bytes).toBeLessThan(600)
  })

  itReal('is under 150 bytes per revoked session (its marker)', ['redis'], async () => {
    const t = await createTestApp(stores)
    const session = await t.signIn()
    await t.gql('mutation($t: String!) { signOut(refreshToken: $t) }', { t: session.refreshToken })
    const bytes = await memoryOf(`*revoked:{${session.sessionId}}`)
    expect(bytes).toBeGreaterThan(0)
    expect(bytes).toBeLessThan(150)
  })

  itReal('is under 100 bytes per number in a range the pumping guard watches', ['redis'], async () => {
    const t = await createTestApp(stores)
    const prefixKeys = async () => memoryOf(`*pump:{+917015}:sent`)
    await t.requestOtp('+917015000001')
    const one = await prefixKeys()
    for (let i = 2; i <= 101; i++) await t.requestOtp(`+9170150${String(i).padStart(5, '0')}`)
    const perNumber = ((await prefixKeys()) - one) / 100
    expect(perNumber).toBeLessThan(100)
  })
})
