//! The one error type of the API, rendered as `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use domain::text::escape_controls;
use domain::{FieldError, Problem};

use crate::platform::http::problem_lang::problem_lang;
use crate::platform::telemetry::current_request_id;

/// Everything a handler can fail with. Each variant has one status; internal causes are
/// logged with their chain and never sent to the client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not the JSON it should be.
    #[error("malformed request: {0}")]
    BadRequest(String, Vec<FieldError>),
    /// 422: well-formed, but fields break the rules.
    #[error("invalid fields")]
    Validation(Vec<FieldError>),
    #[error("authentication required: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Also what another account's resources look like: their existence is not revealed.
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not (the methods it has are in `Allow`).
    #[error("method not allowed; allowed: {0}")]
    MethodNotAllowed(String),
    #[error("conflict: {0}")]
    Conflict(String, Vec<FieldError>),
    #[error("payload over {0} bytes")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, code: &str, message: &str) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict_on(field: &str, message: &str) -> ApiError {
        ApiError::Conflict(message.to_string(), vec![FieldError::new(field, "conflict", message)])
    }

    fn kind_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(..) => ("malformed", "Malformed request"),
            ApiError::Validation(_) => ("validation", "Invalid request"),
            ApiError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::NotFound => ("not-found", "Not found"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(..) => ("conflict", "Conflict"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Request body too large"),
            ApiError::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::BadRequest(msg, _) | ApiError::Conflict(msg, _) => Some(msg.clone()),
            ApiError::Unauthorized(msg) | ApiError::Forbidden(msg) => Some(msg.clone()),
            ApiError::Validation(_) => Some("One or more fields are invalid.".into()),
            ApiError::NotFound => Some("No such resource in this account.".into()),
            ApiError::MethodNotAllowed(allowed) => Some(format!("This path supports {allowed}.")),
            ApiError::PayloadTooLarge(limit) => Some(format!("The request body is larger than {limit} bytes.")),
            ApiError::UnsupportedMediaType => Some("Send the body as application/json.".into()),
            ApiError::TooManyRequests { retry_after_secs } => Some(format!("Try again in {retry_after_secs} seconds.")),
            ApiError::Unavailable(_) => Some("A dependency is unavailable; try again shortly.".into()),
            ApiError::Internal(_) => Some("Something went wrong on our side. Quote the request id to support.".into()),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (kind, title) = self.kind_and_title();
        let errors = match self {
            // Field paths and serde's messages can quote the input: never echo control characters.
            ApiError::Validation(errors) | ApiError::BadRequest(_, errors) | ApiError::Conflict(_, errors) => errors
                .iter()
                .map(|e| FieldError {
                    params: e.params.clone(),
                    ..FieldError::new(escape_controls(&e.field), escape_controls(&e.code), escape_controls(&e.message))
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut problem = Problem {
            kind: format!("https://prospecta.dev/problems/{kind}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: self.detail().map(|d| escape_controls(&d)),
            errors,
            request_id: current_request_id(),
        };
        domain::problem_text::localize(&mut problem, problem_lang());
        problem
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(err) => tracing::error!(error = ?err, "internal error"),
            ApiError::Unavailable(why) => tracing::warn!(%why, "dependency unavailable"),
            _ => {}
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type("application/problem+json");
        match self {
            ApiError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed(allowed) => {
                res.insert_header((header::ALLOW, allowed.as_str()));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.to_problem()).unwrap_or_default())
    }
}

/// The constraint a unique violation (SQLSTATE 23505) broke, by name: how a handler tells
/// which field is taken without reading the message, which the server may translate.
pub fn unique_violation(err: &diesel::result::Error) -> Option<&str> {
    match err {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, info) => {
            info.constraint_name()
        }
        _ => None,
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => ApiError::Conflict(
                format!("Already exists ({}).", info.constraint_name().unwrap_or("unique")),
                Vec::new(),
            ),
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => ApiError::Unavailable(format!("database connection lost: {}", info.message())),
            // `statement_timeout` (SQLSTATE 57014): diesel has no kind for it, so its text,
            // which every connection asks for untranslated (`db::MESSAGES_IN_C`).
            Error::DatabaseError(_, info)
                if info.message().contains("canceling statement due to statement timeout") =>
            {
                ApiError::Unavailable(format!("query cancelled: {}", info.message()))
            }
            // The server ending the session (57P01–57P03: a restart, failover or
            // `pg_terminate_backend`) while a query waits arrives as an error answer to that
            // query, which diesel-async reports with kind Unknown rather than a closed
            // connection: still the database going away, not a bug of ours. Untranslated text
            // again (`db::MESSAGES_IN_C`).
            Error::DatabaseError(_, info)
                if info.message().starts_with("terminating connection due to")
                    || info.message().starts_with("the database system is") =>
            {
                ApiError::Unavailable(format!("database connection lost: {}", info.message()))
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

/// A rule a typed field (`domain::Phone`, `domain::Email`…) refused: 422 naming the field.
impl From<domain::FieldError> for ApiError {
    fn from(err: domain::FieldError) -> ApiError {
        ApiError::Validation(vec![err])
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> ApiError {
        ApiError::Unavailable(format!("database pool: {err}"))
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> ApiError {
        ApiError::Validation(flatten_validation(&errs, ""))
    }
}

/// Turns nested validator errors into dotted field paths (`scopes[0]`, `address.city`).
fn flatten_validation(errs: &validator::ValidationErrors, prefix: &str) -> Vec<FieldError> {
    use validator::ValidationErrorsKind;
    let mut out = Vec::new();
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| {
                let message =
                    e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| format!("is invalid ({})", e.code));
                let mut error = FieldError::new(path.clone(), e.code.to_string(), message);
                for bound in ["min", "max"] {
                    if let Some(value) = e.params.get(bound).and_then(serde_json::Value::as_i64) {
                        error = error.with_param(bound, value);
                    }
                }
                error
            })),
            ValidationErrorsKind::Struct(inner) => out.extend(flatten_validation(inner, &path)),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    out.extend(flatten_validation(inner, &format!("{path}[{i}]")));
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

pub type ApiResult<T> = Result<T, ApiError>;

/// 204 when an account-scoped write touched a row, else 404: the row is missing or
/// belongs to another account, which must look the same.
pub fn no_content_if_found(rows: usize) -> ApiResult<actix_web::HttpResponse> {
    if rows == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(actix_web::HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let err = ApiError::Internal(anyhow::anyhow!("password for db user is hunter2"));
        let body = err.error_response().into_body().try_into_bytes().unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\"status\":500"));
    }

    #[test]
    fn unique_violations_become_conflicts() {
        struct Info;
        impl diesel::result::DatabaseErrorInformation for Info {
            fn message(&self) -> &str {
                "dup"
            }
            fn details(&self) -> Option<&str> {
                None
            }
            fn hint(&self) -> Option<&str> {
                None
            }
            fn table_name(&self) -> Option<&str> {
                None
            }
            fn column_name(&self) -> Option<&str> {
                None
            }
            fn constraint_name(&self) -> Option<&str> {
                Some("users_email_key")
            }
            fn statement_position(&self) -> Option<i32> {
                None
            }
        }
        let err: ApiError =
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, Box::new(Info))
                .into();
        assert_eq!(err.status_code(), StatusCode::CONFLICT);
    }

    #[test]
    fn the_server_ending_a_session_is_unavailable_not_internal() {
        use diesel::result::{DatabaseErrorKind, Error};
        // diesel implements the error information for a bare message, as diesel-async gives.
        for message in [
            "terminating connection due to administrator command",
            "the database system is shutting down",
            "canceling statement due to statement timeout",
        ] {
            let err: ApiError = Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message.to_string())).into();
            assert_eq!(err.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{message}");
        }
        let other: ApiError =
            Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new("division by zero".to_string())).into();
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
