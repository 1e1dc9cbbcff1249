/**
 * The client side of test/http/memory.test.ts, run as its own process so that what the
 * client allocates does not count in the memory of the server under test. Sends `count`
 * GraphQL documents to `url`; with `distinct` below `count` they repeat with that period.
 *
 *   node --import tsx test/support/document-load.ts <url> <count> <salt> [distinct]
 */

/** The n-th document of a kind: valid, failing validation or parsing, small or large. */
function nthDocument(n: number, salt: string): string {
  const tag = `${salt}${n}`
  switch (n % 10) {
    case 0:
    case 1:
    case 2:
      return `query Q${tag} { me { id } a${tag}: me { phone createdAt } }`
    case 3:
    case 4:
      return `query { nothing${tag} { id } me { missing${tag} } }`
    case 5:
    case 6:
      return `query { me { id ${tag}`
    case 7:
      // About 4 kB and 450 tokens, valid: a large parsed document.
      return `query L${tag} { me { id ${'phone createdAt lastSignInAt '.repeat(150)}} }`
    case 8:
      // About 3 kB, a hundred names that are no field: a large invalid document.
      return `query { me { ${Array.from({ length: 100 }, (_, i) => `f${i}${tag}`).join(' ')} } }`
    default:
      // About 10 kB of comment around a small valid document.
      return `# ${tag} ${'padding '.repeat(1250)}\nquery P${tag} { me { id phone } }`
  }
}

const concurrency = 4

async function sendDocuments(baseUrl: string, count: number, salt: string, distinct = count): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const query = nthDocument(next++ % distinct, salt)
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      })
      if (response.status >= 500) throw new Error(`answered ${response.status}`)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const [url, count, salt, distinct] = process.argv.slice(2)
await sendDocuments(url!, Number(count), salt!, distinct ? Number(distinct) : undefined)
