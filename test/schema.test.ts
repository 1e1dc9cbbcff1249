import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { printedSchema } from '../src/schema/index.ts'

describe('schema.graphql', () => {
  it('is the schema printed from the code (run `npm run schema:print` after a change)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8')
    expect(committed).toBe(printedSchema())
  })
})
