//! The language of a request's problem texts: the `Accept-Language` the SPA sets to the
//! language chosen in its header (`extract::ui_lang`), English otherwise. Problems are
//! translated as they are rendered (`ApiError::to_problem`), which happens inside this
//! middleware's scope, including for errors the inner middlewares return.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use domain::i18n::Lang;

use super::extract::ui_lang;

tokio::task_local! {
    static PROBLEM_LANG: Lang;
}

/// The language the request being handled reads its problems in.
pub fn problem_lang() -> Lang {
    PROBLEM_LANG.try_with(|lang| *lang).unwrap_or_default()
}

pub async fn problem_lang_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let lang = ui_lang(req.request()).unwrap_or_default();
    PROBLEM_LANG.scope(lang, next.call(req)).await.map_err(|err| {
        // Rendered here, in this scope, rather than by the server once the error has left it.
        let response = PROBLEM_LANG.sync_scope(lang, || err.error_response());
        actix_web::error::InternalError::from_response(err, response).into()
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use domain::problem_text::translate;

    use crate::platform::error::ApiError;

    /// Every message literal the server's sources hand to a problem: what `ApiError::field`,
    /// `FieldError::new`, validator's `message`/`with_message`, the detail-carrying variants
    /// and message-returning rules (`Err("…")`, the CSV rows' `err(field, "…")`) are given.
    /// `{name}` placeholders of `format!` come back as `{}`.
    fn server_messages() -> Vec<(String, String)> {
        let pattern = regex::Regex::new(
            r#"(?s)(?:with_message\(|message\s*=\s*|ApiError::field\([^;()]*?,[^;()]*?,\s*&?|conflict_on\([^,()]+,\s*|FieldError::new\(\s*[^;]+?,\s*"[a-z_]+",\s*|ApiError::(?:Unauthorized|Forbidden|BadRequest|Conflict)\(\s*|\bErr\(\s*|\berr\(\s*[^,()]+,\s*)(?:format!\(|Cow::from\()?"((?:[^"\\]|\\.)*)""#,
        )
        .unwrap();
        // Refusals returned as `Some("A sentence.")` (`domain::desk_rules::refusal`…), but not
        // the OpenAPI's descriptions, which have the same shape.
        let refusal = regex::Regex::new(r#"(description\(\s*)?(?:Some|then_some)\(\s*"([A-Z][^"`\\]*\.)"\)"#).unwrap();
        let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        for dir in ["api/src", "domain/src"] {
            let mut stack = vec![crates.join(dir)];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // A file's unit tests make up messages of their own.
                let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
                let calls = pattern.captures_iter(code).map(|m| m[1].to_string());
                let refusals = refusal.captures_iter(code).filter(|m| m.get(1).is_none()).map(|m| m[2].to_string());
                for literal in calls.chain(refusals) {
                    let literal = literal.replace("\\\"", "\"");
                    found.push((path.display().to_string(), placeholder.replace_all(&literal, "{}").into_owned()));
                }
            }
        }
        found
    }

    #[test]
    fn every_message_the_server_writes_has_its_portuguese() {
        let messages = server_messages();
        // The scan itself must keep finding them (a changed call shape would hide new ones).
        assert!(messages.len() > 150, "found only {} messages", messages.len());
        let untranslated: Vec<_> = messages
            .iter()
            .filter(|(_, m)| {
                // Holes get a stand-in, as a real message would carry something there.
                let example = m.replace("{}", "x7");
                translate(&example, domain::i18n::Lang::PtBr).is_none()
            })
            .collect();
        assert!(untranslated.is_empty(), "no pt text in domain::problem_text for {untranslated:#?}");
    }

    #[test]
    fn every_problem_kind_has_its_portuguese() {
        let kinds = [
            ApiError::BadRequest("A JSON body is required.".into(), Vec::new()),
            ApiError::Validation(Vec::new()),
            ApiError::Unauthorized("The access token is not valid.".into()),
            ApiError::Forbidden("Only admins can do this.".into()),
            ApiError::NotFound,
            ApiError::MethodNotAllowed("GET, POST".into()),
            ApiError::Conflict("This e-mail is already in use.".into(), Vec::new()),
            ApiError::PayloadTooLarge(1024),
            ApiError::UnsupportedMediaType,
            ApiError::TooManyRequests { retry_after_secs: 12 },
            ApiError::Unavailable("database pool: timed out".into()),
            ApiError::Internal(anyhow::anyhow!("boom")),
        ];
        for error in kinds {
            let english = error.to_problem();
            let pt = super::PROBLEM_LANG.sync_scope(domain::i18n::Lang::PtBr, || error.to_problem());
            assert_ne!(pt.title, english.title, "{error:?}");
            assert_ne!(pt.detail, english.detail, "{error:?}");
            assert_eq!((pt.kind, pt.status), (english.kind, english.status));
        }
    }
}
