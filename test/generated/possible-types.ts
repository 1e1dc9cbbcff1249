
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "ConfirmPhoneChangeResult": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "PhoneChanged",
      "PhoneInUseError",
      "RateLimitedError",
      "ReauthenticationRequiredError"
    ],
    "DeleteAccountResult": [
      "AccountDeleted",
      "ReauthenticationRequiredError"
    ],
    "Error": [
      "CaptchaRequiredError",
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "PhoneInUseError",
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
      "CaptchaRequiredError",
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "SmsDeliveryError"
    ],
    "RequestPhoneChangeResult": [
      "CaptchaRequiredError",
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "ReauthenticationRequiredError",
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
    "ConfirmPhoneChangeResult": [
      "InvalidOtpError",
      "InvalidPhoneError",
      "PhoneChanged",
      "PhoneInUseError",
      "RateLimitedError",
      "ReauthenticationRequiredError"
    ],
    "DeleteAccountResult": [
      "AccountDeleted",
      "ReauthenticationRequiredError"
    ],
    "Error": [
      "CaptchaRequiredError",
      "InvalidOtpError",
      "InvalidPhoneError",
      "InvalidRefreshTokenError",
      "PhoneInUseError",
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
      "CaptchaRequiredError",
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "SmsDeliveryError"
    ],
    "RequestPhoneChangeResult": [
      "CaptchaRequiredError",
      "InvalidPhoneError",
      "OtpSent",
      "RateLimitedError",
      "ReauthenticationRequiredError",
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
    