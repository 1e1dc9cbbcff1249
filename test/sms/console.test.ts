import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createConsoleSender } from '../../src/sms/console.ts'

function capture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { logger: pino({ level: 'trace' }, stream), lines }
}

describe('console sender', () => {
  it('logs the number and the code at info so a developer can copy the code', async () => {
    const { logger, lines } = capture()
    await createConsoleSender(logger).send({ phone: '+919812345678', code: '123456' })
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 30,
      msg: 'sms (console sender, development only)',
      phone: '+919812345678',
      smsText: 'Your code is 123456',
    })
  })

  it('resolves without a provider message id and names itself console', async () => {
    const sender = createConsoleSender(capture().logger)
    expect(sender.name).toBe('console')
    await expect(sender.send({ phone: '+15555550100', code: '000111' })).resolves.toEqual({})
  })
})
