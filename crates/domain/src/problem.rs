//! RFC 9457 problem details, the body of every 4xx/5xx response.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error response (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "https://prospecta.dev/problems/validation",
    "title": "Invalid request",
    "status": 422,
    "detail": "One or more fields are invalid.",
    "errors": [{"field": "email", "code": "email", "message": "must be a valid e-mail address"}],
    "request_id": "7f1c1c1e-51a5-4c8f-a7c4-0c7b0d4f1f7e"
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary of the kind of problem, in the request's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence, in the request's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field problems for invalid input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id (also in the `x-request-id` response header), for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Dotted path of the field in the request body or query (`email`, `scopes[1]`).
    pub field: String,
    /// Machine-readable code (`email`, `length`, `required`, `taken`, `invalid_type`…).
    pub code: String,
    /// Human-readable message in the request's language (`Accept-Language`: Brazilian
    /// Portuguese for a first tag `pt…`, else English). Programs read `code` and `params`.
    pub message: String,
    /// The bounds of a `length` or `range` rule (`min`, `max`), for a client's own message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, i64>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into(), params: BTreeMap::new() }
    }

    pub fn with_param(mut self, name: &str, value: i64) -> Self {
        self.params.insert(name.to_string(), value);
        self
    }
}

impl Problem {
    /// The message of the error on `field`, if any: the SPA shows it under that input.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}
