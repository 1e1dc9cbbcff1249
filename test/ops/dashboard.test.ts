import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../../src/observability/metrics.ts'
import { createTestApp, useTestStores } from '../helpers.ts'
import { projectRoot } from '../support/server-process.ts'

/**
 * The Grafana dashboard in ops/grafana/phone-auth.json: importable with any Prometheus
 * datasource, and every metric its panels query is one the service exports — so renaming
 * a metric without updating the dashboard fails here instead of showing "No data".
 */

interface Target {
  refId?: string
  expr?: string
  datasource?: { type?: string; uid?: string }
}

interface Panel {
  id?: number
  type?: string
  title?: string
  gridPos?: { x: number; y: number; w: number; h: number }
  targets?: Target[]
  panels?: Panel[]
}

interface Dashboard {
  title?: string
  uid?: string
  schemaVersion?: number
  __inputs?: { name?: string; type?: string; pluginId?: string }[]
  panels?: Panel[]
}

const dashboardPath = path.join(projectRoot, 'ops', 'grafana', 'phone-auth.json')
const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard

/** Every panel, rows' nested panels included. */
function allPanels(panels: Panel[] = dashboard.panels ?? []): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])])
}

const queryPanels = allPanels().filter((panel) => panel.type !== 'row')
const targets = queryPanels.flatMap((panel) => panel.targets ?? [])

/** The phone_auth_ series names the panels query, as written (histograms with their suffix). */
function queriedNames(): string[] {
  return [...new Set(targets.flatMap((target) => target.expr?.match(/phone_auth_[a-z0-9_]+/g) ?? []))].sort()
}

/** Metric name → type, from the `# TYPE <name> <type>` lines of a Prometheus exposition. */
function exposedTypes(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name!, type!]))
}

/**
 * The names among `names` that are not exported: a name counts when it has its own
 * `# TYPE` line, or is the _bucket/_sum/_count series of an exported histogram.
 */
function unexported(names: string[], types: Map<string, string>): string[] {
  return names.filter((name) => {
    if (types.has(name)) return false
    const [, base, suffix] = name.match(/^(.+)_(bucket|sum|count)$/) ?? []
    const baseType = base ? types.get(base) : undefined
    return !(baseType === 'histogram' || (baseType === 'summary' && suffix !== 'bucket'))
  })
}

/** prom-client's default Node.js metrics, which test apps leave out (processMetrics: false). */
const isProcessMetric = (name: string) => /^phone_auth_(process|nodejs)_/.test(name)

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana can import with any Prometheus datasource', () => {
    expect(dashboard).toMatchObject({ title: expect.stringMatching(/\S/), uid: 'phone-auth', schemaVersion: 39 })
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }))
  })

  it('gives every panel at least one query', () => {
    expect(queryPanels.length).toBeGreaterThan(0)
    expect(queryPanels.filter((panel) => (panel.targets ?? []).length === 0).map((panel) => panel.title)).toEqual([])
  })

  it('points every query at the ${DS_PROMETHEUS} input and gives it a PromQL expression', () => {
    for (const target of targets) {
      expect(target.datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' })
      expect(target).toMatchObject({ refId: expect.any(String), expr: expect.stringMatching(/phone_auth_/) })
    }
  })

  it('lays its panels out on the 24-column grid without overlaps', () => {
    const placed = allPanels().map((panel) => ({ title: panel.title, ...panel.gridPos! }))
    for (const p of placed) expect(p.x + p.w, p.title).toBeLessThanOrEqual(24)
    const overlaps = placed.flatMap((a, i) =>
      placed.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.title} / ${b.title}`),
    )
    expect(overlaps).toEqual([])
  })

  describe('metric names', () => {
    const stores = useTestStores()
    let served: Map<string, string>

    beforeAll(async () => {
      const t = await createTestApp(stores)
      const response = await t.app.fetch('/metrics')
      expect(response.status).toBe(200)
      served = exposedTypes(await response.text())
    })

    it('queries only service metrics that GET /metrics serves', () => {
      const names = queriedNames().filter((name) => !isProcessMetric(name))
      expect(names.length).toBeGreaterThan(0)
      expect(unexported(names, served)).toEqual([])
    })

    it('queries only process metrics that the production registry exports with the phone_auth_ prefix', async () => {
      // Test apps are built with processMetrics: false; production (compose.ts) uses the defaults.
      const names = queriedNames().filter(isProcessMetric)
      expect(names.length).toBeGreaterThan(0)
      const production = exposedTypes(await createMetrics().registry.metrics())
      expect(unexported(names, production)).toEqual([])
    })
  })
})
