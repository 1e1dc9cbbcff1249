import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/server-process.ts'

/**
 * The rooms of src/ form layers, and imports only run downward: the HTTP shell uses the
 * schema, the schema uses the domain (auth/), the domain uses the stores and the SMS
 * senders, and everything may use common/ and observability/. A room never imports one
 * at its own level or above, so the domain cannot come to depend on the shell.
 */
const rank: Record<string, number> = {
  common: 0,
  generated: 0,
  observability: 1,
  net: 2,
  redis: 2,
  db: 2,
  sms: 2,
  captcha: 2,
  auth: 3,
  webhooks: 3,
  config: 4,
  schema: 4,
  http: 5,
  '.': 6, // main.ts, app.ts, compose.ts
}

const srcDir = path.join(projectRoot, 'src')

function sourceFiles(): string[] {
  return readdirSync(srcDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes(`${path.sep}generated`))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

function roomOf(file: string): string {
  const relative = path.relative(srcDir, file)
  return relative.includes(path.sep) ? relative.split(path.sep)[0]! : '.'
}

function upwardImports(): string[] {
  const found: string[] = []
  for (const file of sourceFiles()) {
    const from = roomOf(file)
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const to = roomOf(path.resolve(path.dirname(file), specifier!))
      if (to !== from && !(rank[to]! < rank[from]!)) found.push(`${path.relative(srcDir, file)} → ${specifier}`)
    }
  }
  return found
}

describe('the layers of src/', () => {
  it('gives every room of src/ a layer', () => {
    const rooms = new Set(sourceFiles().map(roomOf))
    expect([...rooms].filter((room) => rank[room] === undefined)).toEqual([])
  })

  it('has no import that runs sideways or upward between rooms', () => {
    expect(upwardImports()).toEqual([])
  })
})
