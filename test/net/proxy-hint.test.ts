import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/observability/logger.ts'
import { createProxyHint } from '../../src/net/proxy-hint.ts'
import { createTestApp, useTestStores } from '../helpers.ts'

const stores = useTestStores()

function capture() {
  const lines: string[] = []
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) })
  return { lines, logger }
}

describe('the TRUST_PROXY hint', () => {
  it('warns once when all traffic comes from one private address and TRUST_PROXY is 0', () => {
    const { lines, logger } = capture()
    const note = createProxyHint(logger, true)
    for (let i = 0; i < 120; i++) note('10.1.2.3')
    expect(lines.filter((l) => l.includes('TRUST_PROXY'))).toHaveLength(1)
  })

  it('stays quiet when traffic comes from several addresses', () => {
    const { lines, logger } = capture()
    const note = createProxyHint(logger, true)
    for (let i = 0; i < 120; i++) note(i % 2 ? '10.1.2.3' : '203.0.113.9')
    expect(lines).toHaveLength(0)
  })

  it('stays quiet for loopback development traffic and when TRUST_PROXY is set', () => {
    const { lines, logger } = capture()
    const loopback = createProxyHint(logger, true)
    const trusted = createProxyHint(logger, false)
    for (let i = 0; i < 120; i++) {
      loopback('127.0.0.1')
      trusted('10.1.2.3')
    }
    expect(lines).toHaveLength(0)
  })

  it('is wired into the app', async () => {
    const { lines, logger } = capture()
    const t = await createTestApp({ ...stores, logger })
    for (let i = 0; i < 50; i++) await t.app.fetch('/healthz', undefined, '192.168.7.7')
    expect(lines.some((l) => l.includes('TRUST_PROXY'))).toBe(true)
  })
})
