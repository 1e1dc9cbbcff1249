/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 instant with time zone, e.g. 2026-11-25T17:00:00.000Z */
  DateTime: { input: string; output: string; }
};

/** The account is gone: its sessions ended, its numbers erased. */
export type AccountDeleted = {
  __typename?: 'AccountDeleted';
  deletedAt: Scalars['DateTime']['output'];
  userId: Scalars['ID']['output'];
};

/** A signed-in session: a short-lived access token and a rotating refresh token. */
export type AuthSession = {
  __typename?: 'AuthSession';
  /** JWT, verifiable with the keys at GET /.well-known/jwks.json. */
  accessToken: Scalars['String']['output'];
  /** When accessToken expires. */
  expiresAt: Scalars['DateTime']['output'];
  expiresInSeconds: Scalars['Int']['output'];
  isNewUser: Scalars['Boolean']['output'];
  /** Opaque; stored only as a hash on the server. */
  refreshToken: Scalars['String']['output'];
  refreshTokenExpiresAt: Scalars['DateTime']['output'];
  /** Stays the same across refreshes; the `sid` claim of the access token. */
  sessionId: Scalars['ID']['output'];
  tokenType: Scalars['String']['output'];
  user: User;
};

/** captchaToken missing, invalid, expired or already used, or the CAPTCHA could not be checked: solve a new challenge (code CAPTCHA_REQUIRED). */
export type CaptchaRequiredError = Error & {
  __typename?: 'CaptchaRequiredError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

export type ConfirmPhoneChangeResult = InvalidOtpError | InvalidPhoneError | PhoneChanged | PhoneInUseError | RateLimitedError | ReauthenticationRequiredError;

export type DeleteAccountResult = AccountDeleted | ReauthenticationRequiredError;

/** A domain outcome the client is expected to handle. */
export type Error = {
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

/** The code was not accepted (code INVALID_OTP). */
export type InvalidOtpError = Error & {
  __typename?: 'InvalidOtpError';
  /** Wrong tries this code still allows (0 once burnt or expired). */
  attemptsRemaining: Scalars['Int']['output'];
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
  reason: InvalidOtpReason;
};

export type InvalidOtpReason =
  /** No active code for this number: expired, already used, or never requested. */
  | 'EXPIRED'
  /** Wrong code; attemptsRemaining tells how many tries this code has left. */
  | 'INCORRECT'
  /** Not OTP_LENGTH digits; no attempt is counted. */
  | 'MALFORMED'
  /** This code is burnt; request a new one. */
  | 'TOO_MANY_ATTEMPTS';

/** The phone number is not valid, or its country is not served (code INVALID_PHONE). */
export type InvalidPhoneError = Error & {
  __typename?: 'InvalidPhoneError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

/** The refresh token is unknown, expired, revoked or already used (code INVALID_REFRESH_TOKEN). */
export type InvalidRefreshTokenError = Error & {
  __typename?: 'InvalidRefreshTokenError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Finishes the move with the code requestPhoneChange sent to newPhone for this user from this session. Without a valid access token: null and UNAUTHENTICATED. */
  confirmPhoneChange?: Maybe<ConfirmPhoneChangeResult>;
  /** Deletes the signed-in account at once; needs a recent sign-in or reauthenticate. Every session ends, access tokens included; the number is free for a new account. Without a valid access token: null and UNAUTHENTICATED. */
  deleteAccount?: Maybe<DeleteAccountResult>;
  /** Proves again that the caller holds the account's phone, with a code requestOtp sent to the account's own number. The code is consumed; no session is created. Without a valid access token: null and UNAUTHENTICATED. */
  reauthenticate?: Maybe<ReauthenticateResult>;
  /** Exchanges a refresh token for a new pair in the same session; the presented token stops working. */
  refreshSession: RefreshSessionResult;
  /** Sends a one-time code by SMS. The answer never reveals whether an account exists for the number. */
  requestOtp: RequestOtpResult;
  /** Starts moving the signed-in account to newPhone: sends a code to newPhone. Needs a recent sign-in or reauthenticate now; every limit of requestOtp applies; one pending change per account. Never reveals whether newPhone has an account. Without a valid access token: null and UNAUTHENTICATED. */
  requestPhoneChange?: Maybe<RequestPhoneChangeResult>;
  /** Revokes every session of the signed-in user except the caller's; answers how many. */
  revokeOtherSessions?: Maybe<Scalars['Int']['output']>;
  /** Revokes one of the signed-in user's own sessions; its id, or null when nothing was revoked. */
  revokeSession?: Maybe<Scalars['ID']['output']>;
  /** Revokes the session that refreshToken belongs to. True when a session was revoked. */
  signOut: Scalars['Boolean']['output'];
  /** Checks the code; on success consumes it and signs the user in (creating the user unless sign-up is closed). */
  verifyOtp: VerifyOtpResult;
};


export type MutationConfirmPhoneChangeArgs = {
  newPhone: Scalars['String']['input'];
  otp: Scalars['String']['input'];
};


export type MutationReauthenticateArgs = {
  otp: Scalars['String']['input'];
};


export type MutationRefreshSessionArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRequestOtpArgs = {
  captchaToken?: InputMaybe<Scalars['String']['input']>;
  phone: Scalars['String']['input'];
};


export type MutationRequestPhoneChangeArgs = {
  captchaToken?: InputMaybe<Scalars['String']['input']>;
  newPhone: Scalars['String']['input'];
};


export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSignOutArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationVerifyOtpArgs = {
  otp: Scalars['String']['input'];
  phone: Scalars['String']['input'];
};

/** A code is on its way by SMS. */
export type OtpSent = {
  __typename?: 'OtpSent';
  codeLength: Scalars['Int']['output'];
  expiresAt: Scalars['DateTime']['output'];
  /** Relative twin of expiresAt, immune to a wrong device clock. */
  expiresInSeconds: Scalars['Int']['output'];
  /** The number in E.164, as normalised. */
  phone: Scalars['String']['output'];
  resendAfterSeconds: Scalars['Int']['output'];
  resendAvailableAt: Scalars['DateTime']['output'];
};

/** The account now has the new number; it keeps its id and its sessions. */
export type PhoneChanged = {
  __typename?: 'PhoneChanged';
  /** With the new phone. */
  user: User;
};

/** Another account has this number (code PHONE_IN_USE). */
export type PhoneInUseError = Error & {
  __typename?: 'PhoneInUseError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The signed-in user (from `Authorization: Bearer <accessToken>`), or null without a valid access token. */
  me?: Maybe<User>;
  /** The signed-in user's active sessions (one per device), newest first. */
  sessions?: Maybe<Array<Session>>;
};

/** Too many requests (code RATE_LIMITED). */
export type RateLimitedError = Error & {
  __typename?: 'RateLimitedError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
  /** Seconds until the limit that refused this request lets it through. */
  retryAfterSeconds: Scalars['Int']['output'];
};

export type ReauthenticateResult = InvalidOtpError | RateLimitedError | Reauthenticated;

/** The caller's session counts as freshly authenticated: sensitive changes are allowed until reauthenticatedUntil. */
export type Reauthenticated = {
  __typename?: 'Reauthenticated';
  /** Relative twin of reauthenticatedUntil. */
  expiresInSeconds: Scalars['Int']['output'];
  reauthenticatedUntil: Scalars['DateTime']['output'];
};

/** The change needs a recent authentication of this session: sign in again or call reauthenticate first (code REAUTHENTICATION_REQUIRED). */
export type ReauthenticationRequiredError = Error & {
  __typename?: 'ReauthenticationRequiredError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

export type RefreshSessionResult = AuthSession | InvalidRefreshTokenError;

export type RequestOtpResult = CaptchaRequiredError | InvalidPhoneError | OtpSent | RateLimitedError | SmsDeliveryError;

export type RequestPhoneChangeResult = CaptchaRequiredError | InvalidPhoneError | OtpSent | RateLimitedError | ReauthenticationRequiredError | SmsDeliveryError;

/** One signed-in device. */
export type Session = {
  __typename?: 'Session';
  createdAt: Scalars['DateTime']['output'];
  /** True for the session of the caller's access token. */
  current: Scalars['Boolean']['output'];
  /** When the refresh token runs out unless used. */
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** The last sign-in or refresh. */
  lastUsedAt: Scalars['DateTime']['output'];
  /** As recorded at sign-in. */
  userAgent?: Maybe<Scalars['String']['output']>;
};

/** The code was right, but no user has this number and sign-up is closed (code SIGN_UP_DISABLED). */
export type SignUpDisabledError = Error & {
  __typename?: 'SignUpDisabledError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

/** The SMS provider did not accept the message (code SMS_DELIVERY_FAILED). */
export type SmsDeliveryError = Error & {
  __typename?: 'SmsDeliveryError';
  /** Stable SCREAMING_SNAKE_CASE code a client can branch on. */
  code: Scalars['String']['output'];
  /** Human-readable; may change. Branch on `code`. */
  message: Scalars['String']['output'];
};

/** A person who signed in with a phone number. */
export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastSignInAt?: Maybe<Scalars['DateTime']['output']>;
  /** E.164 */
  phone: Scalars['String']['output'];
};

export type VerifyOtpResult = AuthSession | InvalidOtpError | InvalidPhoneError | RateLimitedError | SignUpDisabledError;

export type RequestOtpMutationVariables = Exact<{
  phone: Scalars['String']['input'];
  captchaToken?: InputMaybe<Scalars['String']['input']>;
}>;


export type RequestOtpMutation = { __typename?: 'Mutation', requestOtp:
    | { __typename: 'CaptchaRequiredError', code: string, message: string }
    | { __typename: 'InvalidPhoneError', code: string, message: string }
    | { __typename: 'OtpSent', phone: string, codeLength: number, expiresInSeconds: number, resendAfterSeconds: number }
    | { __typename: 'RateLimitedError', code: string, message: string, retryAfterSeconds: number }
    | { __typename: 'SmsDeliveryError', code: string, message: string }
   };

export type SignedInFragment = { __typename?: 'AuthSession', sessionId: string, accessToken: string, tokenType: string, expiresInSeconds: number, refreshToken: string, isNewUser: boolean, user: { __typename?: 'User', id: string, phone: string } };

export type VerifyOtpMutationVariables = Exact<{
  phone: Scalars['String']['input'];
  otp: Scalars['String']['input'];
}>;


export type VerifyOtpMutation = { __typename?: 'Mutation', verifyOtp:
    | { __typename: 'AuthSession', sessionId: string, accessToken: string, tokenType: string, expiresInSeconds: number, refreshToken: string, isNewUser: boolean, user: { __typename?: 'User', id: string, phone: string } }
    | { __typename: 'InvalidOtpError', code: string, message: string, reason: InvalidOtpReason, attemptsRemaining: number }
    | { __typename: 'InvalidPhoneError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string, retryAfterSeconds: number }
    | { __typename: 'SignUpDisabledError', code: string, message: string }
   };

export type RefreshSessionMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type RefreshSessionMutation = { __typename?: 'Mutation', refreshSession:
    | { __typename: 'AuthSession', sessionId: string, accessToken: string, tokenType: string, expiresInSeconds: number, refreshToken: string, isNewUser: boolean, user: { __typename?: 'User', id: string, phone: string } }
    | { __typename: 'InvalidRefreshTokenError', code: string, message: string }
   };

export type SignOutMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type SignOutMutation = { __typename?: 'Mutation', signOut: boolean };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me?: { __typename?: 'User', id: string, phone: string, lastSignInAt?: string | null } | null };

export type SessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionsQuery = { __typename?: 'Query', sessions?: Array<{ __typename?: 'Session', id: string, current: boolean, userAgent?: string | null }> | null };

export type RevokeSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeSessionMutation = { __typename?: 'Mutation', revokeSession?: string | null };

export type RevokeOtherSessionsMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeOtherSessionsMutation = { __typename?: 'Mutation', revokeOtherSessions?: number | null };

export type ReauthenticateMutationVariables = Exact<{
  otp: Scalars['String']['input'];
}>;


export type ReauthenticateMutation = { __typename?: 'Mutation', reauthenticate?:
    | { __typename: 'InvalidOtpError', reason: InvalidOtpReason, attemptsRemaining: number, code: string, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: string, message: string }
    | { __typename: 'Reauthenticated', reauthenticatedUntil: string, expiresInSeconds: number }
   | null };

export type RequestPhoneChangeMutationVariables = Exact<{
  newPhone: Scalars['String']['input'];
  captchaToken?: InputMaybe<Scalars['String']['input']>;
}>;


export type RequestPhoneChangeMutation = { __typename?: 'Mutation', requestPhoneChange?:
    | { __typename: 'CaptchaRequiredError', code: string, message: string }
    | { __typename: 'InvalidPhoneError', code: string, message: string }
    | { __typename: 'OtpSent', phone: string, expiresInSeconds: number, resendAfterSeconds: number, codeLength: number }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: string, message: string }
    | { __typename: 'ReauthenticationRequiredError', code: string, message: string }
    | { __typename: 'SmsDeliveryError', code: string, message: string }
   | null };

export type ConfirmPhoneChangeMutationVariables = Exact<{
  newPhone: Scalars['String']['input'];
  otp: Scalars['String']['input'];
}>;


export type ConfirmPhoneChangeMutation = { __typename?: 'Mutation', confirmPhoneChange?:
    | { __typename: 'InvalidOtpError', reason: InvalidOtpReason, attemptsRemaining: number, code: string, message: string }
    | { __typename: 'InvalidPhoneError', code: string, message: string }
    | { __typename: 'PhoneChanged', user: { __typename?: 'User', id: string, phone: string } }
    | { __typename: 'PhoneInUseError', code: string, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: string, message: string }
    | { __typename: 'ReauthenticationRequiredError', code: string, message: string }
   | null };

export type DeleteAccountMutationVariables = Exact<{ [key: string]: never; }>;


export type DeleteAccountMutation = { __typename?: 'Mutation', deleteAccount?:
    | { __typename: 'AccountDeleted', userId: string, deletedAt: string }
    | { __typename: 'ReauthenticationRequiredError', code: string, message: string }
   | null };

export const SignedInFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SignedIn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"isNewUser"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]} as unknown as DocumentNode<SignedInFragment, unknown>;
export const RequestOtpDocument = {"__meta__":{"hash":"ba9ccbfd99dc077e0e26871d0291319cdc01851db2fafd03c293365016767a2c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestOtp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"captchaToken"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestOtp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}},{"kind":"Argument","name":{"kind":"Name","value":"captchaToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"captchaToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OtpSent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"codeLength"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resendAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<RequestOtpMutation, RequestOtpMutationVariables>;
export const VerifyOtpDocument = {"__meta__":{"hash":"dee60b21777ab79280b749f358e7638d8034c284d1f709d8eb04337b076f2222"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"VerifyOtp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"otp"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyOtp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}},{"kind":"Argument","name":{"kind":"Name","value":"otp"},"value":{"kind":"Variable","name":{"kind":"Name","value":"otp"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"SignedIn"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidOtpError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"attemptsRemaining"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SignedIn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"isNewUser"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]} as unknown as DocumentNode<VerifyOtpMutation, VerifyOtpMutationVariables>;
export const RefreshSessionDocument = {"__meta__":{"hash":"0195b2d66312b9edb2eb4c8ce6fad633f16a54c7b139221af4487c817381a9bb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"SignedIn"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SignedIn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"isNewUser"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]} as unknown as DocumentNode<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const SignOutDocument = {"__meta__":{"hash":"fb7011d07bd123568d1eab461b81eccfe9ccd42d6b2de8f87af0cba6dd550749"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOut"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}]}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const MeDocument = {"__meta__":{"hash":"dda64e0746eed29e066bed08efee9bcdd823d9efecb95abdbd21abc5a7f5dffd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"lastSignInAt"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const SessionsDocument = {"__meta__":{"hash":"ae6b92693e350d622ce75edc9d56cf45f8eb0e7a2b2dec80c362d907d2b63f35"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}}]}}]}}]} as unknown as DocumentNode<SessionsQuery, SessionsQueryVariables>;
export const RevokeSessionDocument = {"__meta__":{"hash":"0da1f5ad6ca30b47e1cb2c8f9b833664fb3647a47c585080a1a7fa8bc04c825c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const RevokeOtherSessionsDocument = {"__meta__":{"hash":"9c1939f55fcd8c2aa1fb9b186b71b8b8494a4bc48a32f1c1d22c2488f8a5f742"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeOtherSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeOtherSessions"}}]}}]} as unknown as DocumentNode<RevokeOtherSessionsMutation, RevokeOtherSessionsMutationVariables>;
export const ReauthenticateDocument = {"__meta__":{"hash":"69fb00689a9d81f983675931067549f25fac3a8b173c52b5c839429175916a93"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Reauthenticate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"otp"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reauthenticate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"otp"},"value":{"kind":"Variable","name":{"kind":"Name","value":"otp"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Reauthenticated"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reauthenticatedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidOtpError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"attemptsRemaining"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReauthenticateMutation, ReauthenticateMutationVariables>;
export const RequestPhoneChangeDocument = {"__meta__":{"hash":"888618652684d3cb1b4425acfe940cf7c136220c331c7eef68ec175cfd36550e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestPhoneChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPhone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"captchaToken"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestPhoneChange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"newPhone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPhone"}}},{"kind":"Argument","name":{"kind":"Name","value":"captchaToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"captchaToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OtpSent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resendAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"codeLength"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RequestPhoneChangeMutation, RequestPhoneChangeMutationVariables>;
export const ConfirmPhoneChangeDocument = {"__meta__":{"hash":"b04b5dada16d1ab0ba117c2a1c54ef25c772388968fb5ba433656aa68a795193"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmPhoneChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPhone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"otp"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmPhoneChange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"newPhone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPhone"}}},{"kind":"Argument","name":{"kind":"Name","value":"otp"},"value":{"kind":"Variable","name":{"kind":"Name","value":"otp"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PhoneChanged"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidOtpError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"attemptsRemaining"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConfirmPhoneChangeMutation, ConfirmPhoneChangeMutationVariables>;
export const DeleteAccountDocument = {"__meta__":{"hash":"23e169a4ab79914d49865894325a7625faabb5998e290d5fc178b4a848fd6acf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountDeleted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteAccountMutation, DeleteAccountMutationVariables>;