import { isIP } from 'node:net'

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const value = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (value === 'localhost') return true
  if (isIP(value) === 4) return value.startsWith('127.')
  if (value === '::1') return true
  return value.startsWith('::ffff:127.')
}
