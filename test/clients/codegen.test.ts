import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { generate } from '@graphql-codegen/cli'
import { describe, expect, it } from 'vitest'
import config from '../../codegen.ts'
import { projectRoot } from '../support/server-process.ts'

/**
 * test/generated/ is committed so that `npm run typecheck` checks the client tests
 * against schema.graphql without running the generator. This test runs the generator in
 * memory with the same configuration and fails when the committed output differs: after
 * a schema or operation change, run `npm run codegen` and commit the result.
 */

const generatedDir = path.join(projectRoot, 'test', 'generated')

describe('generated client types', () => {
  it('match schema.graphql and test/clients/*.graphql (run `npm run codegen` when this fails)', async () => {
    const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: projectRoot, silent: true, verbose: false }, false)
    expect(outputs.length).toBeGreaterThan(0)

    const expected = new Map(outputs.map((output) => [path.resolve(projectRoot, output.filename), output.content]))
    const onDisk = readdirSync(generatedDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))

    const stale = [...expected].filter(([file, content]) => !onDisk.includes(file) || readFileSync(file, 'utf8') !== content)
    const extra = onDisk.filter((file) => !expected.has(file))
    expect({ stale: stale.map(([file]) => path.relative(projectRoot, file)), extra: extra.map((file) => path.relative(projectRoot, file)) }).toEqual({ stale: [], extra: [] })
  })
})
