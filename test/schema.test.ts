import { readFileSync } from 'node:fs'
import { isInputObjectType } from 'graphql'
import { describe, expect, it } from 'vitest'
import { printedSchema, schema } from '../src/schema/index.ts'

describe('schema.graphql', () => {
  it('is the schema printed from the code (run `npm run schema:print` after a change)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8')
    expect(committed).toBe(printedSchema())
  })

  it('takes a phone number only where a code proves it: sign-in and the verified phone change', () => {
    const phoneInputs: string[] = []
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type?.getFields() ?? {})) {
        for (const arg of field.args) if (/phone/i.test(arg.name)) phoneInputs.push(`${field.name}(${arg.name})`)
      }
    }
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type)) continue
      for (const name of Object.keys(type.getFields())) if (/phone/i.test(name)) phoneInputs.push(`${type.name}.${name}`)
    }
    expect(phoneInputs.sort()).toEqual(['confirmPhoneChange(newPhone)', 'requestOtp(phone)', 'requestPhoneChange(newPhone)', 'verifyOtp(phone)'])
  })
})
