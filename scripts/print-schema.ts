import { writeFileSync } from 'node:fs'
import { printedSchema } from '../src/schema/index.ts'

// Writes schema.graphql, the SDL that clients and code generators are written against.
const target = new URL('../schema.graphql', import.meta.url)
writeFileSync(target, printedSchema())
process.stdout.write(`wrote ${target.pathname}\n`)
