/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation RequestOtp($phone: String!) {\n  requestOtp(phone: $phone) {\n    __typename\n    ... on OtpSent {\n      phone\n      codeLength\n      expiresInSeconds\n      resendAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nfragment SignedIn on AuthSession {\n  sessionId\n  accessToken\n  tokenType\n  expiresInSeconds\n  refreshToken\n  isNewUser\n  user {\n    id\n    phone\n  }\n}\n\nmutation VerifyOtp($phone: String!, $otp: String!) {\n  verifyOtp(phone: $phone, otp: $otp) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nmutation RefreshSession($refreshToken: String!) {\n  refreshSession(refreshToken: $refreshToken) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  signOut(refreshToken: $refreshToken)\n}\n\nquery Me {\n  me {\n    id\n    phone\n    lastSignInAt\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    current\n    userAgent\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}\n\nmutation Reauthenticate($otp: String!) {\n  reauthenticate(otp: $otp) {\n    __typename\n    ... on Reauthenticated {\n      reauthenticatedUntil\n      expiresInSeconds\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.RequestOtpDocument,
};
const documents: Documents = {
    "mutation RequestOtp($phone: String!) {\n  requestOtp(phone: $phone) {\n    __typename\n    ... on OtpSent {\n      phone\n      codeLength\n      expiresInSeconds\n      resendAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nfragment SignedIn on AuthSession {\n  sessionId\n  accessToken\n  tokenType\n  expiresInSeconds\n  refreshToken\n  isNewUser\n  user {\n    id\n    phone\n  }\n}\n\nmutation VerifyOtp($phone: String!, $otp: String!) {\n  verifyOtp(phone: $phone, otp: $otp) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nmutation RefreshSession($refreshToken: String!) {\n  refreshSession(refreshToken: $refreshToken) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  signOut(refreshToken: $refreshToken)\n}\n\nquery Me {\n  me {\n    id\n    phone\n    lastSignInAt\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    current\n    userAgent\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}\n\nmutation Reauthenticate($otp: String!) {\n  reauthenticate(otp: $otp) {\n    __typename\n    ... on Reauthenticated {\n      reauthenticatedUntil\n      expiresInSeconds\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.RequestOtpDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RequestOtp($phone: String!) {\n  requestOtp(phone: $phone) {\n    __typename\n    ... on OtpSent {\n      phone\n      codeLength\n      expiresInSeconds\n      resendAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nfragment SignedIn on AuthSession {\n  sessionId\n  accessToken\n  tokenType\n  expiresInSeconds\n  refreshToken\n  isNewUser\n  user {\n    id\n    phone\n  }\n}\n\nmutation VerifyOtp($phone: String!, $otp: String!) {\n  verifyOtp(phone: $phone, otp: $otp) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nmutation RefreshSession($refreshToken: String!) {\n  refreshSession(refreshToken: $refreshToken) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  signOut(refreshToken: $refreshToken)\n}\n\nquery Me {\n  me {\n    id\n    phone\n    lastSignInAt\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    current\n    userAgent\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}\n\nmutation Reauthenticate($otp: String!) {\n  reauthenticate(otp: $otp) {\n    __typename\n    ... on Reauthenticated {\n      reauthenticatedUntil\n      expiresInSeconds\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation RequestOtp($phone: String!) {\n  requestOtp(phone: $phone) {\n    __typename\n    ... on OtpSent {\n      phone\n      codeLength\n      expiresInSeconds\n      resendAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nfragment SignedIn on AuthSession {\n  sessionId\n  accessToken\n  tokenType\n  expiresInSeconds\n  refreshToken\n  isNewUser\n  user {\n    id\n    phone\n  }\n}\n\nmutation VerifyOtp($phone: String!, $otp: String!) {\n  verifyOtp(phone: $phone, otp: $otp) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}\n\nmutation RefreshSession($refreshToken: String!) {\n  refreshSession(refreshToken: $refreshToken) {\n    __typename\n    ...SignedIn\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  signOut(refreshToken: $refreshToken)\n}\n\nquery Me {\n  me {\n    id\n    phone\n    lastSignInAt\n  }\n}\n\nquery Sessions {\n  sessions {\n    id\n    current\n    userAgent\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}\n\nmutation Reauthenticate($otp: String!) {\n  reauthenticate(otp: $otp) {\n    __typename\n    ... on Reauthenticated {\n      reauthenticatedUntil\n      expiresInSeconds\n    }\n    ... on InvalidOtpError {\n      reason\n      attemptsRemaining\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;