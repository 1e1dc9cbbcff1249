import { createApp } from '../../src/app.ts'
import { listen } from '../../src/http/server.ts'
import { openBenchDeps } from './deps.ts'
import { serveBench } from './server-child.ts'

/** Child-process entry of the service: createApp over composeDeps, as src/main.ts serves it. */
serveBench('service', async (settings) => {
  const { deps, close } = await openBenchDeps(settings)
  // As src/main.ts serves it (minus the metrics listener, which no request reaches).
  return { server: await listen(createApp(deps).handle, 0, '127.0.0.1'), close }
})
