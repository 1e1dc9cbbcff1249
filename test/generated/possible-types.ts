
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "DeleteAccountResult": [
      "AccountDeleted",
      "ReauthenticationRequiredError"
    ],
    "Error": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "RateLimitedError",
      "ReauthenticationRequiredError",
      "SignUpDisabledError",
      "SmsDeliveryError"
    ],
    "ReauthenticateResult": [
      "InvalidOtpError",
      "RateLimitedError",
      "Reauthenticated"
    ],
    "RefreshSessionResult": [
      "AuthSession",
      "InvalidRefreshTokenError"
    ],
    "RequestOtpResult": [
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "SmsDeliveryError"
    ],
    "VerifyOtpResult": [
      "AuthSession",
      "InvalidOtpError",
      "InvalidPhoneError",
      "RateLimitedError",
      "SignUpDisabledError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "DeleteAccountResult": [
      "AccountDeleted",
      "ReauthenticationRequiredError"
    ],
    "Error": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "RateLimitedError",
      "ReauthenticationRequiredError",
      "SignUpDisabledError",
      "SmsDeliveryError"
    ],
    "ReauthenticateResult": [
      "InvalidOtpError",
      "RateLimitedError",
      "Reauthenticated"
    ],
    "RefreshSessionResult": [
      "AuthSession",
      "InvalidRefreshTokenError"
    ],
    "RequestOtpResult": [
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "SmsDeliveryError"
    ],
    "VerifyOtpResult": [
      "AuthSession",
      "InvalidOtpError",
      "InvalidPhoneError",
      "RateLimitedError",
      "SignUpDisabledError"
    ]
  }
};
      export default result;
    