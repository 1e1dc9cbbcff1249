import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestStores } from '../helpers.ts'
import { fuzzRequestGenerator, seededRandom } from '../support/fuzz.ts'
import { comparable, send, startTwoPaths, type Answer, type TwoPaths } from '../support/two-paths.ts'

/**
 * The edge fuzzer's random POSTs to /graphql (valid, mutated and junk documents, random
 * variables, Accept headers, tokens, origins), each sent three times, in the same order,
 * to an app with the direct path and one without: every answer must be the same. A
 * run prints its seed; `FUZZ_SEED=<seed>` replays it.
 */

const stores = useTestStores()
const requestsPerRun = 400
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

let pair: TwoPaths

beforeAll(async () => {
  pair = await startTwoPaths(stores)
})

afterAll(async () => {
  await pair?.close()
})

/**
 * Ids differ between two apps by nature, and a wait read from Redis may straddle a
 * second between them; only where they stand counts.
 */
function normalised(answer: Answer) {
  const view = comparable(answer)
  const body = view.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>').replace(/try again in \d+ s/g, 'try again in <n> s')
  return { ...view, body }
}

describe('the direct path under random requests', () => {
  it('answers every request exactly as Yoga does', async () => {
    console.log(`[direct-path fuzz] seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run test/http/direct-path-fuzz.test.ts)`)
    const next = fuzzRequestGenerator(seededRandom(seed), { jsonPosts: true })
    let compared = 0
    for (let sent = 0; compared < requestsPerRun && sent < requestsPerRun * 20; sent++) {
      const request = next()
      if (request.method !== 'POST' || request.path !== '/graphql' || request.body === undefined) continue
      compared++
      for (let round = 0; round < 3; round++) {
        const [direct, viaYoga] = await Promise.all([pair.direct, pair.viaYoga].map((side) => send(side.port, request.headers, request.body!)))
        expect(normalised(direct!), `${JSON.stringify(request).slice(0, 500)} (round ${round + 1})`).toEqual(normalised(viaYoga!))
      }
    }
    expect(compared).toBe(requestsPerRun)
    // The comparison means something only if the direct path answered some of them itself
    // (most random requests are not its kind: their Accept, Origin, variables or body).
    const answeredDirectly = pair.viaYoga.yogaCalls() - pair.direct.yogaCalls()
    console.log(`[direct-path fuzz] ${answeredDirectly} of ${requestsPerRun * 3} answered by the direct path`)
    expect(answeredDirectly).toBeGreaterThanOrEqual(20)
  }, 120_000)
})
