import type { SmsSender } from './sender.ts'

/** Where each send's outcome and duration go (the service's metrics). */
export interface SendObserver {
  observeSms(provider: string, outcome: string, seconds: number): void
}

/** Measures every send of an SMS sender without changing what it does. */
export function instrumentSender(sender: SmsSender, metrics: SendObserver): SmsSender {
  return {
    name: sender.name,
    close: () => sender.close?.(),
    async send(message) {
      const started = performance.now()
      let outcome = 'accepted'
      try {
        return await sender.send(message)
      } catch (error) {
        outcome = (error as { outcome?: string }).outcome ?? 'error'
        throw error
      } finally {
        metrics.observeSms(sender.name, outcome, (performance.now() - started) / 1000)
      }
    },
  }
}
