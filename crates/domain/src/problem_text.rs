//! The UI's own words for an API error, in the user's language: a field error is told from
//! its stable `code` (and `params`), a whole problem from its `type`. The server's English
//! text is only the fallback, for codes this catalogue does not know.

use crate::i18n::{Lang, Msg};
use crate::problem::{FieldError, Problem};

/// The message to show under a field.
pub fn field_error_text(error: &FieldError, lang: Lang) -> String {
    let param = |name: &str| error.params.get(name).copied();
    let msg = match (error.code.as_str(), param("min"), param("max")) {
        ("required", ..) if error.message.contains("e-mail or a phone") => Msg::ErrContactPoint,
        ("required", ..) => Msg::ErrRequired,
        ("email", ..) => Msg::ErrEmail,
        // A password's 200-character ceiling is not worth a mention; its floor is.
        ("length", Some(min), Some(_)) if min > 1 => Msg::ErrLengthMin,
        ("length", Some(_), Some(_)) => Msg::ErrLengthBetween,
        ("length", Some(_), None) => Msg::ErrLengthMin,
        ("length", None, Some(_)) if error.message.contains("item") => Msg::ErrItemsMax,
        ("length", None, Some(_)) => Msg::ErrLengthMax,
        ("range", Some(_), Some(_)) => Msg::ErrRange,
        ("conflict", ..) => Msg::ErrConflict,
        ("invalid", ..) | ("mismatch", ..) => Msg::ErrInvalid,
        ("phone", ..) => Msg::ErrPhone,
        ("control_character", ..) => Msg::ErrControlCharacter,
        ("unknown_field", ..) => Msg::ErrUnknownField,
        ("invalid_type", ..) | ("type", ..) => Msg::ErrWrongType,
        ("future", ..) => Msg::ErrFuture,
        ("self", ..) => Msg::ErrSelf,
        ("unknown", ..) | ("option", ..) => Msg::ErrUnknownOption,
        _ => return error.message.clone(),
    };
    fill(msg.text(lang), &[("min", param("min")), ("max", param("max"))])
}

/// One line for a whole problem (shown when no field is named), from its `type`.
pub fn problem_text(problem: &Problem, lang: Lang) -> String {
    let kind = problem.kind.rsplit('/').next().unwrap_or_default();
    let msg = match kind {
        "validation" | "malformed" => Msg::ProblemValidation,
        "unauthorized" => Msg::ProblemUnauthorized,
        "forbidden" => Msg::ProblemForbidden,
        "not-found" => Msg::ProblemNotFound,
        "conflict" => Msg::ProblemConflict,
        "rate-limited" => Msg::ProblemRateLimited,
        "payload-too-large" => Msg::ProblemTooLarge,
        "unavailable" | "internal" => Msg::ProblemUnavailable,
        _ if problem.status == 0 => Msg::ProblemNetwork,
        _ => return problem.detail.clone().unwrap_or_else(|| problem.title.clone()),
    };
    // "Try again in 12 seconds." carries the wait the server computed.
    let secs = problem.detail.as_deref().and_then(|d| d.split_whitespace().find_map(|w| w.parse::<i64>().ok()));
    fill(msg.text(lang), &[("secs", secs.or(Some(60)))])
}

fn fill(template: &str, values: &[(&str, Option<i64>)]) -> String {
    values.iter().fold(template.to_string(), |text, (name, value)| match value {
        Some(v) => text.replace(&format!("{{{name}}}"), &v.to_string()),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: &str, status: u16, detail: &str) -> Problem {
        Problem {
            kind: format!("https://prospecta.dev/problems/{kind}"),
            title: "t".into(),
            status,
            detail: Some(detail.into()),
            errors: Vec::new(),
            request_id: None,
        }
    }

    #[test]
    fn field_errors_are_told_from_their_code_and_bounds() {
        let e = FieldError::new("name", "length", "must be 1 to 120 characters")
            .with_param("min", 1)
            .with_param("max", 120);
        assert_eq!(field_error_text(&e, Lang::PtBr), "deve ter de 1 a 120 caracteres");
        assert_eq!(field_error_text(&e, Lang::En), "must be 1 to 120 characters");
        let e = FieldError::new("password", "length", "must be at least 10 characters")
            .with_param("min", 10)
            .with_param("max", 200);
        assert_eq!(field_error_text(&e, Lang::PtBr), "deve ter pelo menos 10 caracteres");
        let e = FieldError::new("email", "required", "an e-mail or a phone is required");
        assert_eq!(field_error_text(&e, Lang::PtBr), "informe um e-mail ou um telefone");
        let e = FieldError::new("phone", "conflict", "Another contact already has this phone.");
        assert_eq!(field_error_text(&e, Lang::PtBr), "já está em uso");
    }

    #[test]
    fn unknown_codes_fall_back_to_the_servers_text() {
        let e = FieldError::new("file", "csv", "row 3 has 5 columns, the header 4");
        assert_eq!(field_error_text(&e, Lang::PtBr), "row 3 has 5 columns, the header 4");
    }

    #[test]
    fn problems_are_told_from_their_type() {
        let p = problem("unauthorized", 401, "The e-mail or password is wrong.");
        assert!(problem_text(&p, Lang::PtBr).starts_with("O e-mail ou a senha estão errados"));
        let p = problem("rate-limited", 429, "Try again in 12 seconds.");
        assert_eq!(problem_text(&p, Lang::PtBr), "Muitas tentativas. Tente de novo em 12 segundos.");
        assert_eq!(
            problem_text(&problem("about:blank", 0, "network error"), Lang::En).split('.').next(),
            Some("No connection to the server")
        );
    }
}
