import { existsSync, readFileSync } from 'node:fs'
import { createApp } from './app.ts'
import { ConfigError, loadConfig, type Config } from './config/config.ts'
import type { Deps } from './http/deps.ts'
import { composeDeps, createSmsSender, tuneRuntime } from './compose.ts'
import { openDatabase } from './db/client.ts'
import { loadOrCreateDevSecrets } from './config/dev-secrets.ts'
import { metricsResponse } from './http/routes.ts'
import { createLogger } from './observability/logger.ts'
import { schema } from './schema/index.ts'
import { parseTrustedDocuments, TrustedDocumentsError, type TrustedDocuments } from './http/trusted-documents.ts'
import { closeServer, listen, onShutdownSignal } from './http/server.ts'
import { openRedis, warnIfRedisMayEvict } from './redis/open.ts'

/** The composition root: the only place that reads the environment and opens connections. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env')
  const config = await withDevSecrets(loadConfigOrExit())
  tuneRuntime(config)
  const logger = createLogger(config.logLevel)
  const trustedDocuments = loadTrustedDocumentsOrExit(config.trustedDocumentsPath)
  const { redis, kind: redisKind } = await openRedis(config)
  await warnIfRedisMayEvict(redis, redisKind, logger)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: config.migrateOnStart, logger })
  const { deps, close } = await composeDeps(config, logger, { redis, database }, createSmsSender(config, logger))
  const app = createApp({ ...deps, trustedDocuments })
  const server = await listen(app.handle, config.port, config.host)
  // METRICS_PORT keeps /metrics off the public listener (same HOST).
  const metricsServer = config.metricsPort
    ? await listen((req, res) => void serveMetrics(deps, req.url, res), config.metricsPort, config.host)
    : undefined
  logger.info(
    {
      url: `http://${config.host}:${config.port}/graphql`,
      database: database.kind,
      redis: redisKind,
      sms: deps.sms.name,
      metricsPort: config.metricsPort,
      trustedDocuments: trustedDocuments?.size,
      webhooks: config.webhook.url !== undefined,
    },
    'phone-auth listening',
  )
  if (config.production && config.otp.testPhoneNumbers.size > 0) {
    logger.warn({ count: config.otp.testPhoneNumbers.size }, 'TEST_PHONE_NUMBERS is set: these numbers sign in with a fixed code')
  }
  onShutdownSignal(logger, async () => {
    await Promise.all([closeServer(server), metricsServer && closeServer(metricsServer, 1000)])
    await close()
  })
}

async function serveMetrics(deps: Deps, url: string | undefined, res: import('node:http').ServerResponse): Promise<void> {
  const response = url === '/metrics' ? await metricsResponse(deps) : new Response('not found', { status: 404 })
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(await response.text())
}

/** TRUSTED_DOCUMENTS: read once at start-up; a manifest that cannot be used stops the start. */
function loadTrustedDocumentsOrExit(path: string | undefined): TrustedDocuments | undefined {
  if (path === undefined) return undefined
  try {
    return parseTrustedDocuments(readFileSync(path, 'utf8'), schema)
  } catch (error) {
    const message = error instanceof TrustedDocumentsError ? error.message : `TRUSTED_DOCUMENTS: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    process.stderr.write(`phone-auth: ${message}\n`)
    process.exit(1)
  }
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`phone-auth: ${error.message}\n`)
    process.exit(1)
  }
}

/** Development: secrets that were not configured are generated once under DATA_DIR. */
async function withDevSecrets(config: Config): Promise<Config> {
  if (config.otp.secret && config.jwt.privateKeyPem) return config
  const generated = await loadOrCreateDevSecrets(config.dataDir)
  return {
    ...config,
    otp: { ...config.otp, secret: config.otp.secret ?? generated.otpSecret },
    jwt: { ...config.jwt, privateKeyPem: config.jwt.privateKeyPem ?? generated.jwtPrivateKeyPem },
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`phone-auth: failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
