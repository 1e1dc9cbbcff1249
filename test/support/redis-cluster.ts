import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { startRedis, which, type LocalRedis } from '../../scripts/lib/local-servers.ts'

const run = promisify(execFile)

/**
 * A real Redis Cluster of three masters on loopback ports, built the way an operator
 * would: three `redis-server --cluster-enabled yes`, then `redis-cli --cluster create`.
 * Also moves one slot from node to node, as a reshard does, while clients use it.
 */

export const clusterBinaries = ['redis-server', 'redis-cli']

export async function startRedisCluster() {
  const nodes: LocalRedis[] = []
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(await startRedis({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] }))
    }
    const addresses = nodes.map((node) => new URL(node.url).host)
    await run(which('redis-cli')!, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'])
    await untilEveryNodeSays(addresses, 'cluster_state:ok')
    return {
      nodes: addresses.map((address) => ({ host: '127.0.0.1', port: Number(address.split(':')[1]) })),
      /** Moves `slot` (keys included) to another master: IMPORTING, MIGRATING, MIGRATE, NODE. */
      moveSlot: (slot: number) => moveSlot(addresses, slot),
      /** SCRIPT FLUSH on every node: clients must load their scripts again. */
      flushScripts: () => eachNode(addresses, (node) => node.script('FLUSH')),
      async stop(): Promise<void> {
        for (const node of nodes) await node.stop()
      },
    }
  } catch (error) {
    for (const node of nodes) await node.stop()
    throw error
  }
}

export type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>

async function eachNode<T>(addresses: string[], use: (node: Redis) => Promise<T>): Promise<T[]> {
  return Promise.all(
    addresses.map(async (address) => {
      const node = new Redis(`redis://${address}`)
      try {
        return await use(node)
      } finally {
        node.disconnect()
      }
    }),
  )
}

async function untilEveryNodeSays(addresses: string[], text: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const infos = await eachNode(addresses, (node) => node.cluster('INFO') as Promise<string>)
    if (infos.every((info) => info.includes(text))) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`cluster never reached ${text}`)
}

async function moveSlot(addresses: string[], slot: number): Promise<void> {
  const ids = await eachNode(addresses, (node) => node.cluster('MYID') as Promise<string>)
  const [ranges] = await eachNode(addresses.slice(0, 1), (node) => node.cluster('SLOTS'))
  const ownerPort = ranges!.find(([from, to]) => slot >= from && slot <= to)![2]![1]
  const source = addresses.findIndex((address) => address.endsWith(`:${ownerPort}`))
  const target = (source + 1) % addresses.length
  const [sourceHost, sourcePort] = addresses[source]!.split(':') as [string, string]
  const [targetHost, targetPort] = addresses[target]!.split(':') as [string, string]
  const sourceNode = new Redis(Number(sourcePort), sourceHost)
  const targetNode = new Redis(Number(targetPort), targetHost)
  try {
    await targetNode.cluster('SETSLOT', slot, 'IMPORTING', ids[source]!)
    await sourceNode.cluster('SETSLOT', slot, 'MIGRATING', ids[target]!)
    for (;;) {
      const keys = (await sourceNode.cluster('GETKEYSINSLOT', slot, 100)) as string[]
      if (keys.length === 0) break
      await sourceNode.migrate(targetHost, Number(targetPort), '', 0, 5000, 'KEYS', ...keys)
    }
    await eachNode(addresses, (node) => node.cluster('SETSLOT', slot, 'NODE', ids[target]!))
  } finally {
    sourceNode.disconnect()
    targetNode.disconnect()
  }
}
