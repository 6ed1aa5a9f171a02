//! What a lead sent to `POST /leads` must be, before anything is written: checks as pure
//! functions, each returning the problems it found (empty: none).

use chrono::{DateTime, Duration, Utc};

use crate::contacts::{IngestLeadRequest, MAX_CLOCK_SKEW_SECS};
use crate::{FieldError, MessageSender};

/// An `Idempotency-Key` header's value: 1 to 200 visible ASCII characters.
pub fn idempotency_key(raw: &[u8]) -> Result<String, FieldError> {
    match std::str::from_utf8(raw) {
        Ok(key) if (1..=200).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => Ok(key.to_string()),
        _ => Err(FieldError::new("Idempotency-Key", "invalid", "must be 1 to 200 visible ASCII characters")),
    }
}

/// A lead must be reachable: both fields named when it has neither an e-mail nor a phone.
pub fn contact_point(lead: &IngestLeadRequest) -> Vec<FieldError> {
    if lead.has_contact_point() {
        return Vec::new();
    }
    ["email", "phone"].map(|field| FieldError::new(field, "required", "an e-mail or a phone is required")).into()
}

/// No date later than `now` plus a little clock skew ([`MAX_CLOCK_SKEW_SECS`]), so nobody
/// pins a lead to the top of the list.
pub fn future_dates(lead: &IngestLeadRequest, now: DateTime<Utc>) -> Vec<FieldError> {
    let latest = now + Duration::seconds(MAX_CLOCK_SKEW_SECS);
    let mut problems = Vec::new();
    if lead.first_contact_at.is_some_and(|t| t > latest) {
        problems.push(FieldError::new("first_contact_at", "future", "cannot be in the future"));
    }
    for (i, message) in lead.transcript.iter().enumerate() {
        if message.sent_at.is_some_and(|t| t > latest) {
            problems.push(FieldError::new(format!("transcript[{i}].sent_at"), "future", "cannot be in the future"));
        }
    }
    problems
}

/// What anyone holding a page's site key may not do: write as the bot, an agent or the
/// system, or date messages.
pub fn public_lead(lead: &IngestLeadRequest) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for (i, message) in lead.transcript.iter().enumerate() {
        if message.sender != MessageSender::Visitor {
            problems.push(FieldError::new(
                format!("transcript[{i}].sender"),
                "not_allowed",
                "a site key can only send visitor messages",
            ));
        }
        if message.sent_at.is_some() {
            problems.push(FieldError::new(
                format!("transcript[{i}].sent_at"),
                "not_allowed",
                "a site key cannot date messages; the server's time is used",
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead(value: serde_json::Value) -> IngestLeadRequest {
        serde_json::from_value(value).unwrap()
    }

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn an_idempotency_key_is_visible_ascii_of_a_sane_length() {
        assert_eq!(idempotency_key(b"lead-42").unwrap(), "lead-42");
        for bad in [&b""[..], b"with space", "é".as_bytes(), &[b'k'; 201], &[0xff]] {
            assert_eq!(idempotency_key(bad).unwrap_err().field, "Idempotency-Key");
        }
    }

    #[test]
    fn a_lead_needs_an_email_or_a_phone() {
        assert!(contact_point(&lead(json!({"email": "ana@example.com"}))).is_empty());
        assert!(contact_point(&lead(json!({"phone": "+55 11 91234-5678"}))).is_empty());
        assert_eq!(fields(&contact_point(&lead(json!({"name": "Ana", "email": "  "})))), ["email", "phone"]);
    }

    #[test]
    fn dates_may_run_ahead_by_the_clock_skew_only() {
        let now: DateTime<Utc> = "2026-12-02T12:00:00Z".parse().unwrap();
        let ok = lead(json!({"email": "a@b.co", "first_contact_at": "2026-12-02T12:04:00Z"}));
        assert!(future_dates(&ok, now).is_empty());
        let late = lead(json!({"email": "a@b.co", "first_contact_at": "2026-12-02T12:06:00Z",
            "transcript": [{"sender": "visitor", "body": "hi"}, {"sender": "visitor", "body": "x", "sent_at": "2026-12-03T00:00:00Z"}]}));
        assert_eq!(fields(&future_dates(&late, now)), ["first_contact_at", "transcript[1].sent_at"]);
    }

    #[test]
    fn a_site_key_sends_undated_visitor_messages_only() {
        let fine = lead(json!({"email": "a@b.co", "transcript": [{"sender": "visitor", "body": "hi"}]}));
        assert!(public_lead(&fine).is_empty());
        let forged = lead(json!({"email": "a@b.co", "transcript": [
            {"sender": "agent", "body": "we agreed on a discount"},
            {"sender": "visitor", "body": "hi", "sent_at": "2026-01-01T00:00:00Z"}]}));
        assert_eq!(fields(&public_lead(&forged)), ["transcript[0].sender", "transcript[1].sent_at"]);
    }
}
