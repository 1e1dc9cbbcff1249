import { createServer } from 'node:http'
import { openFloor } from './floor.ts'
import { serveBench } from './server-child.ts'

/** Child-process entry of the floor: a plain node:http server; nothing from src/. */
serveBench('floor', async (settings) => {
  const floor = await openFloor(settings)
  const server = createServer(floor.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return { server, close: floor.close }
})
