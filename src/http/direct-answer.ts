import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ExecutionResult, GraphQLError } from 'graphql'
import { processRegularResult } from 'graphql-yoga'
import type { Logger } from '../observability/logger.ts'
import { decorateErrors, maskError } from './error-masking.ts'

/**
 * How the direct path (direct-path.ts) answers: exactly as Yoga would for the same
 * result and Accept header. The answers of error-free results are written here; any
 * result with errors goes through Yoga's own masking rules and result processor.
 */

const regularMediaTypes = ['application/graphql-response+json', 'application/json'] as const
export type RegularMediaType = (typeof regularMediaTypes)[number]

/**
 * The media type Yoga's result processors choose for a single (non-streamed) result,
 * or undefined when they would choose none (406). Yoga reads the Accept header from
 * its last entry back, the last match wins, and its regular processor (these two
 * types) is tried after the streaming ones, so it wins whenever it matches at all.
 */
export function regularMediaType(accept: string | undefined): RegularMediaType | undefined {
  const asked = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')
  let chosen: RegularMediaType | undefined
  for (const entry of asked.reverse()) {
    const [type, ...params] = entry.split(';')
    // Yoga skips entries that ask for a charset other than UTF-8.
    const charset = params.find((param) => param.includes('charset=')) ?? 'charset=utf-8'
    if (type === undefined || charset !== 'charset=utf-8') continue
    for (const offered of regularMediaTypes) if (mediaTypeMatches(type, offered)) chosen = offered
  }
  return chosen
}

function mediaTypeMatches(asked: string, offered: string): boolean {
  const [askedType, askedSubtype] = asked.split('/')
  const [type, subtype] = offered.split('/')
  return (askedType === '*' || askedType === type) && (askedSubtype === '*' || askedSubtype === subtype)
}

/** An execution result without errors: 200 and the JSON, as Yoga's regular processor writes it. */
export function writeResult(res: ServerResponse, result: ExecutionResult, mediaType: RegularMediaType): void {
  const body = JSON.stringify(result)
  res.writeHead(200, {
    'content-type': `${mediaType}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    // cors.ts says it on every answer: a shared cache must not mix origins' answers.
    vary: 'Origin',
  })
  res.end(body)
}

/**
 * A result with errors, answered as Yoga answers it: each error masked by the same
 * function (the detail of a masked one logged, as Yoga logs it), the request id and
 * codes added (decorateErrors), then Yoga's own processor picks the status.
 */
export async function writeResultWithErrors(
  res: ServerResponse,
  result: ExecutionResult,
  mediaType: RegularMediaType,
  logger: Logger,
): Promise<void> {
  const errors = (result.errors ?? []).map((error) => {
    const masked = maskError(error, 'Unexpected error.')
    if (masked !== error) logger.error({ err: error }, 'request failed')
    return masked as GraphQLError
  })
  const answer = { ...result, errors }
  decorateErrors(answer, logger)
  const response = await processRegularResult(answer, { Response } as never, mediaType)
  response.headers.set('vary', 'Origin')
  await writeResponse(res, response)
}

/** A Fetch Response onto node's response (Yoga's answers when the direct path hands over). */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

/** Hands a request whose body was already read to Yoga, as if it came in unread. */
export async function answerWithYoga(
  yogaFetch: (request: Request) => Response | Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers, body: new Uint8Array(body) })
  await writeResponse(res, await yogaFetch(request))
}
