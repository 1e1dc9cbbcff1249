import { Kind, type DocumentNode } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Metrics } from './metrics.ts'

/** Counts and times each request by the schema's root field names (a closed set). */
export function useOperationMetrics(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now()
      const fields = rootFields(args.document, args.operationName)
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && Array.isArray(result.errors) && result.errors.length > 0
          metrics.observeRequest(fields, (performance.now() - started) / 1000, failed)
        },
      }
    },
  }
}

export function rootFields(document: DocumentNode, operationName: string | null | undefined): string[] {
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  )
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return []
  const names = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []))
  return [...new Set(names)]
}
