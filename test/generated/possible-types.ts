
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Error": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "RateLimitedError",
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
    "Error": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "RateLimitedError",
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
    