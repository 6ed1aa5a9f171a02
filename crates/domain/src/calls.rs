//! Phone calls with a client, logged by hand: direction, outcome, duration and a note.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    /// We called the client.
    Outbound,
    /// The client called us.
    Inbound,
}

impl CallDirection {
    pub const ALL: [CallDirection; 2] = [CallDirection::Outbound, CallDirection::Inbound];

    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Outbound => "outbound",
            CallDirection::Inbound => "inbound",
        }
    }

    pub fn parse(s: &str) -> Option<CallDirection> {
        CallDirection::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Answered,
    NoAnswer,
    Busy,
    Voicemail,
    WrongNumber,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 5] = [
        CallOutcome::Answered,
        CallOutcome::NoAnswer,
        CallOutcome::Busy,
        CallOutcome::Voicemail,
        CallOutcome::WrongNumber,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Answered => "answered",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::Busy => "busy",
            CallOutcome::Voicemail => "voicemail",
            CallOutcome::WrongNumber => "wrong_number",
        }
    }

    pub fn parse(s: &str) -> Option<CallOutcome> {
        CallOutcome::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// The longest call one can log: a day.
pub const MAX_CALL_SECS: u32 = 86_400;

/// Log a call with the client. From a conversation, name it: the call is shown there too.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"direction": "outbound", "outcome": "answered", "duration_secs": 300, "note": "Pediu proposta por e-mail."}))]
pub struct LogCallRequest {
    pub direction: CallDirection,
    pub outcome: CallOutcome,
    /// How long it lasted, in seconds (at most a day).
    #[validate(range(max = 86400, message = "must be 0 to 86400 seconds"))]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration_secs: Option<u32>,
    #[serde(default)]
    #[validate(length(max = 5000, message = "must be at most 5000 characters"))]
    #[schema(max_length = 5000)]
    pub note: String,
    /// When the call was; now when absent. Not in the future.
    pub called_at: Option<DateTime<Utc>>,
    /// The client's conversation it was logged from.
    pub conversation_id: Option<Uuid>,
}

/// A logged call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub conversation_id: Option<Uuid>,
    /// Who logged it (none once that user is deleted).
    pub user_id: Option<Uuid>,
    pub direction: CallDirection,
    pub outcome: CallOutcome,
    pub duration_secs: Option<u32>,
    pub note: String,
    pub called_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallList {
    /// Newest first.
    pub items: Vec<CallView>,
}

/// When a logged call happened: `called_at`, or now. A few minutes ahead pass (clocks
/// differ); later is refused naming `called_at`.
pub fn call_time(called_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    match called_at {
        None => Ok(now),
        Some(t) if t > now + Duration::minutes(5) => {
            Err(FieldError::new("called_at", "future", "cannot be in the future"))
        }
        Some(t) => Ok(t),
    }
}

/// A duration as people say it: `45 s`, `5 min`, `5 min 30 s`, `1 h 5 min`.
pub fn duration_text(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_now_or_in_the_past() {
        let now = Utc::now();
        assert_eq!(call_time(None, now), Ok(now));
        let yesterday = now - Duration::days(1);
        assert_eq!(call_time(Some(yesterday), now), Ok(yesterday));
        assert!(call_time(Some(now + Duration::minutes(2)), now).is_ok(), "clock skew passes");
        assert_eq!(call_time(Some(now + Duration::hours(1)), now).unwrap_err().field, "called_at");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_text(45), "45 s");
        assert_eq!(duration_text(300), "5 min");
        assert_eq!(duration_text(330), "5 min 30 s");
        assert_eq!(duration_text(3600), "1 h");
        assert_eq!(duration_text(3900), "1 h 5 min");
    }

    #[test]
    fn names_round_trip() {
        for d in CallDirection::ALL {
            assert_eq!(CallDirection::parse(d.as_str()), Some(d));
        }
        for o in CallOutcome::ALL {
            assert_eq!(CallOutcome::parse(o.as_str()), Some(o));
        }
    }
}
