import { wrongCode, type TestApp } from '../helpers.ts'

/** The phone-change steps as a client sends them, for the account tests. */

export const requestPhoneChangeMutation = `mutation($newPhone: String!) { requestPhoneChange(newPhone: $newPhone) {
  __typename ... on OtpSent { phone expiresInSeconds } ... on RateLimitedError { retryAfterSeconds } ... on Error { code message } } }`

export const confirmPhoneChangeMutation = `mutation($newPhone: String!, $otp: String!) { confirmPhoneChange(newPhone: $newPhone, otp: $otp) {
  __typename ... on PhoneChanged { user { id phone } } ... on InvalidOtpError { reason attemptsRemaining } ... on Error { code message } } }`

export const bearer = (accessToken: string) => ({ headers: { authorization: `Bearer ${accessToken}` } })

export async function requestPhoneChange(t: TestApp, accessToken: string, newPhone: string, ip?: string) {
  const answer = await t.gql(requestPhoneChangeMutation, { newPhone }, { ...bearer(accessToken), ip })
  return answer.data?.requestPhoneChange ?? { errors: answer.errors?.map((e) => e.extensions.code) }
}

export async function confirmPhoneChange(t: TestApp, accessToken: string, newPhone: string, otp: string) {
  const answer = await t.gql(confirmPhoneChangeMutation, { newPhone, otp }, bearer(accessToken))
  return answer.data?.confirmPhoneChange ?? { errors: answer.errors?.map((e) => e.extensions.code) }
}

/** Requests a change and confirms it with the code the new number received. */
export async function changePhone(t: TestApp, accessToken: string, newPhone: string) {
  const sent = await requestPhoneChange(t, accessToken, newPhone)
  if (sent.__typename !== 'OtpSent') throw new Error(`requestPhoneChange failed: ${JSON.stringify(sent)}`)
  return confirmPhoneChange(t, accessToken, newPhone, t.inbox.lastCodeFor(sent.phone))
}

export async function me(t: TestApp, accessToken: string) {
  return (await t.gql('{ me { id phone } }', {}, bearer(accessToken))).data?.me
}

export { wrongCode }
