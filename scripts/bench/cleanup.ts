/**
 * Everything the benchmark starts registers how to stop it here. The stops run in
 * reverse order exactly once: at the normal end, on an error, or on Ctrl-C / SIGTERM,
 * so no redis-server, postgres or temp dir outlives the run.
 */

type Stop = () => Promise<void>

const stops: Stop[] = []
let running: Promise<void> | undefined

export function onCleanup(stop: Stop): void {
  stops.push(stop)
}

export function cleanup(): Promise<void> {
  running ??= (async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => process.stderr.write(`bench: cleanup: ${(error as Error).message}\n`))
    }
  })()
  return running
}

/** Once stopping has begun, later failures are its echoes (servers gone mid-request), not news. */
export function stopping(): boolean {
  return running !== undefined
}

/** A signal stops the run: clean up, then exit with the conventional 128 + signal code. */
export function cleanupOnSignals(): void {
  const handle = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\nbench: ${signal}, stopping the servers\n`)
    void cleanup().finally(() => process.exit(code))
  }
  process.once('SIGINT', () => handle('SIGINT', 130))
  process.once('SIGTERM', () => handle('SIGTERM', 143))
}
