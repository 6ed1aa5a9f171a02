//! Sign-up, login and token DTOs, and the password and e-mail rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::users::UserView;

/// Minimum password length, for sign-up, user creation and password change.
pub const MIN_PASSWORD_LEN: u64 = 10;

/// Creates an account and its first admin.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"account_name": "Acme Ltda", "name": "Ana Souza", "email": "ana@acme.test", "password": "correct horse battery"}))]
pub struct SignupRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub account_name: String,
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[validate(length(min = "MIN_PASSWORD_LEN", max = 200, message = "must be at least 10 characters"))]
    #[schema(min_length = 10, max_length = 200, format = Password)]
    pub password: String,
}

/// E-mail and password login.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@demo.prospecta.dev", "password": "prospecta-demo"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254, message = "is required"))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 200, message = "is required"))]
    #[schema(min_length = 1, max_length = 200, format = Password)]
    pub password: String,
}

/// Asks for a password-reset link by e-mail ("forgot password").
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ana@acme.test"}))]
pub struct PasswordResetRequest {
    #[validate(length(min = 1, max = 254, message = "is required"))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
}

/// Sets a new password with the token from the reset e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "pr_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e", "password": "a new long password"}))]
pub struct PasswordResetConfirm {
    #[validate(length(min = 1, max = 200, message = "is required"))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    #[validate(length(min = "MIN_PASSWORD_LEN", max = 200, message = "must be at least 10 characters"))]
    #[schema(min_length = 10, max_length = 200, format = Password)]
    pub password: String,
}

/// Confirms a sign-up with the token from the verification e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "sv_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e"}))]
pub struct SignupConfirm {
    #[validate(length(min = 1, max = 200, message = "is required"))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
}

/// Accepts an invitation with the token from its e-mail, choosing a password.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "iv_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e", "password": "my own long password"}))]
pub struct AcceptInvitationRequest {
    #[validate(length(min = 1, max = 200, message = "is required"))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    #[validate(length(min = "MIN_PASSWORD_LEN", max = 200, message = "must be at least 10 characters"))]
    #[schema(min_length = 10, max_length = 200, format = Password)]
    pub password: String,
}

/// Exchanges a refresh token for a new pair. Browsers may omit the body field: the
/// `prospecta_refresh` HttpOnly cookie set at login is used instead.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "rt_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e"}))]
pub struct RefreshRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Issued on sign-up, login and refresh.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
    /// Opaque single-use refresh token; each use returns a new one and revokes the old. Sent
    /// on sign-up and login, and on refresh only to a client that sent its token in the body:
    /// a browser keeps it in the HttpOnly cookie, out of reach of scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub user: UserView,
}

/// Lower-cases and trims an e-mail address so look-ups and uniqueness ignore case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An e-mail address as stored and compared: trimmed, lower-case, with one `@` between a
/// local part and a dotted domain. The only way to get one is [`Email::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = normalize_email(raw);
        if !validator::ValidateEmail::validate_email(&email) {
            return Err("must be a valid e-mail address");
        }
        Ok(Email(email))
    }

    /// An optional e-mail field of a request: blank is none; anything else must parse, or the
    /// error names `field` (code `email`).
    pub fn parse_field(raw: Option<&str>, field: &str) -> Result<Option<Email>, crate::FieldError> {
        match raw.map(str::trim).filter(|e| !e.is_empty()) {
            None => Ok(None),
            Some(e) => Email::parse(e).map(Some).map_err(|msg| crate::FieldError::new(field, "email", msg)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_stored_lower_case_and_must_look_like_one() {
        assert_eq!(Email::parse("  Ana@Acme.TEST ").unwrap().as_str(), "ana@acme.test");
        assert!(Email::parse("ana@").is_err());
        assert!(Email::parse("not an address").is_err());
        assert_eq!(Email::parse_field(Some(" "), "email"), Ok(None));
        assert_eq!(Email::parse_field(Some("x"), "invitee.email").unwrap_err().field, "invitee.email");
    }

    fn signup(email: &str, password: &str) -> SignupRequest {
        SignupRequest {
            account_name: "Acme".into(),
            name: "Ana".into(),
            email: email.into(),
            password: password.into(),
        }
    }

    #[test]
    fn emails_are_compared_case_insensitively() {
        assert_eq!(normalize_email("  Ana@Acme.TEST "), "ana@acme.test");
    }

    #[test]
    fn signup_rejects_bad_email_and_short_password() {
        let errs = signup("not-an-email", "short").validate().unwrap_err();
        let fields = errs.field_errors();
        assert!(fields.contains_key("email"));
        assert!(fields.contains_key("password"));
        assert!(signup("ana@acme.test", "long enough pw").validate().is_ok());
    }
}
