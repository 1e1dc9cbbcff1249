import type { Cluster, Redis } from 'ioredis'
import { ServiceUnavailableError } from '../common/errors.ts'

/** The one Redis type the service uses: a single node, a Cluster, or the stand-in. */
export type RedisClient = Redis | Cluster

type ScriptFunction = (...keysThenArgs: (string | number)[]) => Promise<unknown>

/**
 * Registers a Lua script once per client and returns a typed caller. defineCommand
 * sends EVALSHA with an EVAL fallback on real Redis and plain EVAL on the stand-in.
 */
export function defineScript(redis: RedisClient, name: string, lua: string, numberOfKeys: number) {
  const commands = redis as unknown as Record<string, ScriptFunction | undefined>
  if (typeof commands[name] !== 'function') redis.defineCommand(name, { lua, numberOfKeys })
  const run = commands[name] as ScriptFunction
  return (keys: string[], args: (string | number)[]) => run.call(redis, ...keys, ...args)
}

/** Any Redis failure (refused, timed out, not connected) is an outage to the caller. */
export async function redisCall<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending
  } catch (error) {
    throw new ServiceUnavailableError('redis', { cause: error })
  }
}
