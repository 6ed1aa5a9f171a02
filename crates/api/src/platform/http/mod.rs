//! HTTP: routing rules and the fallback, extractors, responses (problems in the caller's
//! language), CORS and security headers,
//! the SPA's files, health checks and multipart uploads.

pub(crate) mod cors;
pub(crate) mod extract;
pub(crate) mod health;
pub(crate) mod json_out;
pub(crate) mod problem_lang;
pub(crate) mod respond;
pub(crate) mod routing;
pub(crate) mod security_headers;
pub(crate) mod spa;
pub(crate) mod uploads;
