import { defineConfig } from 'prisma/config'

// Prisma's CLI wants to download a native schema engine for every command. `generate`
// needs none of it, so any existing file satisfies the check on machines without
// internet access. Migrations are applied by our own runner (src/db/migrate.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= new URL('./package.json', import.meta.url).pathname

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/phone_auth' },
})
