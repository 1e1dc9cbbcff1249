import type { CodegenConfig } from '@graphql-codegen/cli'

/**
 * GraphQL Code Generator: typed documents for the client tests and the trusted-documents
 * manifest, generated from the printed schema and the operations in test/clients/*.graphql. The output in
 * test/generated/ is committed, so `npm run typecheck` checks the clients against the
 * schema without running codegen; test/clients/codegen.test.ts fails when it is stale.
 * Regenerate with `npm run codegen`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/clients/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: {
        // Operations select fields directly; no useFragment() unmasking needed.
        fragmentMasking: false,
        // Also writes persisted-documents.json, the manifest a server started with
        // TRUSTED_DOCUMENTS runs from; each typed document carries its hash in
        // `__meta__.hash`. SHA-256, as the server expects (the preset's default is SHA-1).
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        // The project compiles with NodeNext and allowImportingTsExtensions.
        importExtension: '.ts',
      },
    },
    // For Apollo's InMemoryCache: which concrete types each union and interface
    // (`... on Error`) can be.
    'test/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
  },
}

export default config
