import type { IncomingMessage, ServerResponse } from 'node:http'
import { Redis } from 'ioredis'
import pg from 'pg'
import { floorStore } from './floor-redis.ts'
import { me, Refusal, requestOtp, verifyOtp, type Client, type FloorContext } from './floor-flows.ts'
import { msg91Sender } from './floor-sms.ts'
import { floorTokens } from './floor-tokens.ts'
import type { BenchSettings } from './settings.ts'

/**
 * The "floor": a plain node:http server written directly on pg, ioredis and jose that
 * does the work any phone sign-in service must do, with the data this one writes
 * (floor-flows.ts), and nothing else: no GraphQL, no framework, no request scope, no
 * logging on success. JSON in and out:
 *
 *   POST /request-otp {phone}        → {phone, ...}
 *   POST /verify-otp  {phone, code}  → {accessToken, refreshToken, userId, isNewUser}
 *   GET  /me (Authorization: Bearer) → {me: {id} | null}
 *
 * Its stores are opened as the service opens them: a pg pool of 10 with the same
 * timeouts, one ioredis connection that fails fast instead of queueing.
 */

const maxBodyBytes = 64 * 1024

export async function openFloor(settings: BenchSettings): Promise<{ handle: (req: IncomingMessage, res: ServerResponse) => void; close: () => Promise<void> }> {
  const redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, commandTimeout: 2000, connectTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: true })
  await redis.connect()
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10, connectionTimeoutMillis: 2000, statement_timeout: 3000, query_timeout: 3500, keepAlive: true })
  pool.on('error', (error) => warn(`idle PostgreSQL connection failed: ${error.message}`))
  const sms = msg91Sender(settings.msg91BaseUrl)
  const context: FloorContext = {
    store: floorStore(redis, settings.redisKeyPrefix),
    pool,
    tokens: await floorTokens(settings.jwtPrivateKeyPem),
    sms,
    otpSecret: Buffer.from(settings.otpSecretHex, 'hex'),
  }
  return {
    handle: (req, res) => void answer(context, req, res),
    async close() {
      sms.close()
      redis.disconnect()
      await pool.end()
    },
  }
}

async function answer(context: FloorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    reply(res, 200, await route(context, req))
  } catch (error) {
    if (error instanceof Refusal) return reply(res, error.status, { error: error.code })
    warn(`request failed: ${error instanceof Error ? error.message : String(error)}`)
    reply(res, 500, { error: 'INTERNAL' })
  }
}

async function route(context: FloorContext, req: IncomingMessage): Promise<unknown> {
  const userAgent = req.headers['user-agent']?.slice(0, 512) ?? null
  const client: Client = { ip: (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, ''), userAgent }
  if (req.method === 'POST' && req.url === '/request-otp') return requestOtp(context, await readJson(req), client)
  if (req.method === 'POST' && req.url === '/verify-otp') return verifyOtp(context, await readJson(req), client)
  req.resume()
  if (req.method === 'GET' && req.url === '/me') return me(context, req.headers.authorization)
  throw new Refusal(404, 'NOT_FOUND')
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) return reject(new Refusal(413, 'BODY_TOO_LARGE'))
      chunks.push(chunk)
    })
    req.on('error', reject)
    req.on('end', () => {
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        resolve(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {})
      } catch {
        reject(new Refusal(400, 'BAD_JSON'))
      }
    })
  })
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** LOG_LEVEL=warn: failures only, the first few (a broken run fails every request). */
let warned = 0
function warn(message: string): void {
  if (warned++ < 5) process.stderr.write(`bench: floor: ${message}\n`)
  else if (warned === 6) process.stderr.write('bench: floor: further warnings suppressed\n')
}
