//! Response targets (SLA) per site: how soon a chat that reached the Inbox gets an operator's
//! first reply, and how soon a new lead gets a person's first action. The server records a
//! due time when the clock starts and a breach when it passes; screens show a live timer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A site's targets; `null` turns one off (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"chat_first_response_secs": 60, "lead_first_contact_minutes": 15}))]
pub struct SlaSettings {
    /// Seconds from a chat reaching the Inbox to an operator's first reply.
    #[serde(default)]
    #[validate(range(min = 10, max = 86400))]
    #[schema(minimum = 10, maximum = 86400)]
    pub chat_first_response_secs: Option<i32>,
    /// Minutes from a new lead's arrival to a person's first action on it (a change, a note,
    /// a reply).
    #[serde(default)]
    #[validate(range(min = 1, max = 43200))]
    #[schema(minimum = 1, maximum = 43200)]
    pub lead_first_contact_minutes: Option<i32>,
}

/// Where a running clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Ok,
    /// Three quarters of the target are gone.
    Near,
    Breached,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Ok => "ok",
            SlaState::Near => "near",
            SlaState::Breached => "breached",
        }
    }
}

/// The state at `now` of a clock started at `since` and due at `due`.
pub fn sla_state(since: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> SlaState {
    if now >= due {
        return SlaState::Breached;
    }
    let total = (due - since).num_milliseconds().max(1);
    let gone = (now - since).num_milliseconds();
    if gone * 4 >= total * 3 {
        SlaState::Near
    } else {
        SlaState::Ok
    }
}

/// "0:42", "12:05", "1:02:03": a timer's face.
pub fn timer_text(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_clock_is_ok_then_near_then_breached() {
        let since = Utc::now();
        let due = since + Duration::seconds(60);
        assert_eq!(sla_state(since, due, since + Duration::seconds(44)), SlaState::Ok);
        assert_eq!(sla_state(since, due, since + Duration::seconds(45)), SlaState::Near);
        assert_eq!(sla_state(since, due, since + Duration::seconds(59)), SlaState::Near);
        assert_eq!(sla_state(since, due, due), SlaState::Breached);
        assert_eq!(sla_state(since, due, due + Duration::hours(3)), SlaState::Breached);
    }

    #[test]
    fn timers_read_as_clocks() {
        assert_eq!(timer_text(42), "0:42");
        assert_eq!(timer_text(725), "12:05");
        assert_eq!(timer_text(3723), "1:02:03");
        assert_eq!(timer_text(-5), "0:00");
    }

    #[test]
    fn targets_are_checked_and_off_by_default() {
        assert_eq!(serde_json::from_str::<SlaSettings>("{}").unwrap(), SlaSettings::default());
        assert!(SlaSettings { chat_first_response_secs: Some(5), ..Default::default() }.validate().is_err());
        assert!(SlaSettings { lead_first_contact_minutes: Some(15), ..Default::default() }.validate().is_ok());
        assert!(serde_json::from_str::<SlaSettings>(r#"{"chat_secs": 60}"#).is_err());
    }
}
