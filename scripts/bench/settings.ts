/**
 * What the bench hands each server process, and the messages they exchange over the
 * IPC channel. Plain data only: it crosses a process boundary.
 */

export type ServerKind = 'service' | 'floor'

export interface BenchSettings {
  redisUrl: string
  databaseUrl: string
  /** A prefix per server, so the two servers never see each other's keys. */
  redisKeyPrefix: string
  otpSecretHex: string
  jwtPrivateKeyPem: string
  /** The fake MSG91 Flow API both servers send their SMS to. */
  msg91BaseUrl: string
  logLevel: 'warn'
}

export type ChildRequest = { type: 'start'; kind: ServerKind; settings: BenchSettings } | { type: 'usage' } | { type: 'stop' }

export interface ChildUsage {
  /** User plus system CPU of the whole process (every thread), in microseconds. */
  cpuMicros: number
  /** Peak resident set size of the process so far, in kilobytes. */
  maxRssKb: number
  /** Its resident set size now, in kilobytes. */
  rssKb: number
}

export type ChildReply =
  | { type: 'ready'; port: number; pid: number; rssKb: number }
  | ({ type: 'usage' } & ChildUsage)
  | { type: 'stopped' }
  | { type: 'failed'; message: string }
