import type { HttpClient } from './client.ts'
import type { FakeMsg91 } from './fake-msg91.ts'
import type { Operation, Step, Timed } from './load.ts'
import type { ModeName } from './options.ts'
import type { Protocol } from './protocols.ts'

/** One server as the load generator sees it. */
export interface Target {
  http: HttpClient
  protocol: Protocol
  /** Where both servers' SMS arrive. */
  sms: FakeMsg91
  /** A number never used before in this run, so no cooldown or per-phone cap is ever met. */
  nextPhone: () => string
}

export interface Mode {
  name: ModeName
  /** What one operation is, for the report. */
  operation: string
  steps: readonly Step[]
  /** The operation against one server; `me` signs in a few times first, for its tokens. */
  prepare(target: Target): Promise<Operation>
}

/** Tokens the `me` mode cycles through: a handful of users, as a few devices polling. */
const meTokens = 8
const untimed: Timed = (_step, call) => call()

async function signIn(target: Target, timed: Timed): Promise<string> {
  const { http, protocol, sms } = target
  const phone = target.nextPhone()
  await timed('requestOtp', () => protocol.requestOtp(http, phone))
  // Already in the inbox: the server answered only after the fake MSG91 had.
  const code = sms.take(phone)
  return timed('verifyOtp', () => protocol.verifyOtp(http, phone, code))
}

export const modes: Record<ModeName, Mode> = {
  signin: {
    name: 'signin',
    operation: 'sign-in (requestOtp → read the SMS → verifyOtp → me)',
    steps: ['requestOtp', 'verifyOtp', 'me'],
    prepare: async (target) => async (timed) => {
      const token = await signIn(target, timed)
      await timed('me', () => target.protocol.me(target.http, token))
    },
  },
  request: {
    name: 'request',
    operation: 'requestOtp to a fresh number (SMS checked, never verified)',
    steps: ['requestOtp'],
    prepare: async (target) => async (timed) => {
      const phone = target.nextPhone()
      await timed('requestOtp', () => target.protocol.requestOtp(target.http, phone))
      target.sms.take(phone)
    },
  },
  me: {
    name: 'me',
    operation: `me with the bearer token of one of ${meTokens} users`,
    steps: ['me'],
    async prepare(target) {
      const tokens: string[] = []
      for (let i = 0; i < meTokens; i++) tokens.push(await signIn(target, untimed))
      let next = 0
      return (timed) => timed('me', () => target.protocol.me(target.http, tokens[next++ % tokens.length]!))
    },
  },
}
