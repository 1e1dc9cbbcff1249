import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { graphqlClient, randomIndianMobile } from '../support/http-client.ts'
import { consoleCodePattern } from '../support/log-scan.ts'
import { makeTempDir, removeDir, startServer, type ServerProcess } from '../support/server-process.ts'

/**
 * The account-lifecycle mutations on the embedded stand-ins of `npm start` (PGlite, the
 * in-process Redis stand-in, the console sender), over real HTTP.
 */

describe('reauthenticate, phone change and deleteAccount on the embedded stand-ins', () => {
  const dataDir = makeTempDir('phone-auth-account-')
  let server: ServerProcess

  beforeAll(async () => {
    server = await startServer({ env: { DATA_DIR: dataDir, OTP_RESEND_COOLDOWN_SECONDS: '0' } })
  })

  afterAll(async () => {
    await server?.stop()
    removeDir(dataDir)
  })

  async function codeFor(phone: string): Promise<string> {
    const client = graphqlClient(server.baseUrl)
    const from = server.logs().length
    const sent = await client.requestOtp(phone)
    const [, code] = await server.waitForLog(consoleCodePattern(sent.phone, sent.codeLength), 5_000, from)
    return code!
  }

  it('reauthenticates, deletes the account, and lets the number start a new one', async () => {
    const client = graphqlClient(server.baseUrl)
    const phone = `+91${randomIndianMobile()}`
    const session = await client.verifyOtp(phone, await codeFor(phone))
    const auth = { accessToken: session.accessToken }

    const reauth = await client.post('mutation($otp: String!) { reauthenticate(otp: $otp) { __typename } }', { otp: await codeFor(phone) }, auth)
    expect(reauth.body.data.reauthenticate).toEqual({ __typename: 'Reauthenticated' })

    const deleted = await client.post('mutation { deleteAccount { __typename ... on AccountDeleted { userId } } }', {}, auth)
    expect(deleted.body.data.deleteAccount).toEqual({ __typename: 'AccountDeleted', userId: session.user.id })
    expect((await client.me(session.accessToken)).body.data.me).toBeNull()

    const again = await client.verifyOtp(phone, await codeFor(phone))
    expect(again).toMatchObject({ __typename: 'AuthSession', isNewUser: true })
    expect(again.user.id).not.toBe(session.user.id)
  })

  it('moves an account to a new number that then signs in to it, while the old number starts afresh', async () => {
    const client = graphqlClient(server.baseUrl)
    const [phone, newPhone] = [`+91${randomIndianMobile()}`, `+91${randomIndianMobile()}`]
    const session = await client.verifyOtp(phone, await codeFor(phone))
    const auth = { accessToken: session.accessToken }

    const from = server.logs().length
    const sent = await client.post('mutation($p: String!) { requestPhoneChange(newPhone: $p) { __typename ... on OtpSent { phone codeLength } } }', { p: newPhone }, auth)
    expect(sent.body.data.requestPhoneChange).toMatchObject({ __typename: 'OtpSent', phone: newPhone })
    const [, code] = await server.waitForLog(consoleCodePattern(newPhone, sent.body.data.requestPhoneChange.codeLength), 5_000, from)
    const confirm = 'mutation($p: String!, $o: String!) { confirmPhoneChange(newPhone: $p, otp: $o) { __typename ... on PhoneChanged { user { id phone } } } }'
    const changed = await client.post(confirm, { p: newPhone, o: code }, auth)
    expect(changed.body.data.confirmPhoneChange).toEqual({ __typename: 'PhoneChanged', user: { id: session.user.id, phone: newPhone } })

    expect(await client.verifyOtp(newPhone, await codeFor(newPhone))).toMatchObject({ isNewUser: false, user: { id: session.user.id } })
    expect(await client.verifyOtp(phone, await codeFor(phone))).toMatchObject({ isNewUser: true })
  })
})
