import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustedDocuments } from '../../src/http/trusted-documents.ts'
import { schema } from '../../src/schema/index.ts'
import { useTestStores } from '../helpers.ts'
import { comparable, sendBoth, startTwoPaths, type TwoPaths } from '../support/two-paths.ts'

/**
 * With TRUSTED_DOCUMENTS the direct path runs the manifest's documents by their id, as
 * useTrustedDocuments picks them, and leaves every refusal to Yoga; the answers match
 * an app without it.
 */

const stores = useTestStores()
const manifest = JSON.parse(readFileSync(new URL('../generated/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>
const meId = Object.entries(manifest).find(([, text]) => /\bquery Me\b/.test(text))![0]
const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }
const body = (params: Record<string, unknown>) => JSON.stringify(params)

let pair: TwoPaths

beforeAll(async () => {
  pair = await startTwoPaths({ ...stores, trustedDocuments: parseTrustedDocuments(JSON.stringify(manifest), schema) })
})

afterAll(async () => {
  await pair?.close()
})

describe('the direct path with trusted documents', () => {
  it.each([
    ['a documentId in hex', body({ documentId: meId }), true],
    ['a documentId with the sha256: prefix, in capitals', body({ documentId: `sha256:${meId.toUpperCase()}` }), true],
    ["Apollo's persistedQuery extension", body({ extensions: { persistedQuery: { version: 1, sha256Hash: meId } } }), true],
    ['a documentId with a query beside it (the query is ignored)', body({ documentId: meId, query: '{ __schema { types { name } } }' }), true],
    ['a raw query', body({ query: 'query Me { me { id } }' }), false],
    ['an id the manifest does not hold', body({ documentId: 'ab'.repeat(32) }), false],
    ['a persistedQuery of another version', body({ extensions: { persistedQuery: { version: 2, sha256Hash: meId } } }), false],
    ['a documentId that is not a string', body({ documentId: 7 }), false],
  ])('%s', async (_label, text, direct) => {
    const answers = await sendBoth(pair, json, text)
    expect(comparable(answers.direct)).toEqual(comparable(answers.viaYoga))
    expect(answers.yogaSawThird).toBe(!direct)
  })
})
