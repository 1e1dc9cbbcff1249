import type { Plugin } from 'graphql-yoga'
import { badRequestResponse } from './bad-request.ts'

/** Far above any real request of this API (a sign-in is about 300 bytes). */
export const maxBodyBytes = 64 * 1024

/**
 * Refuses a declared body over the limit before reading it, so one request cannot make
 * the server buffer and parse megabytes. (The document token limit bounds the rest.)
 */
export function useBodyLimit(limitBytes = maxBodyBytes): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const declared = Number(request.headers.get('content-length') ?? 0)
      if (declared > limitBytes) {
        endResponse(badRequestResponse(`The request body is over ${limitBytes} bytes.`, 413, { connection: 'close' }))
      }
    },
  }
}
