//! Routing per site beyond the rotation: a returning client's chat goes to their agent first
//! ("sticky owner"), and a chat or lead nobody answers moves on ("re-route"). All off until
//! an admin sets a time.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A site's routing; `null` turns a rule off (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sticky_owner_secs": 30, "reroute_chat_minutes": 3, "reroute_lead_minutes": 30}))]
pub struct RoutingSettings {
    /// A chat from a client who has an agent is offered to that agent alone (in their My
    /// conversations) for this many seconds, then goes to the shared Inbox; at once when the
    /// agent is not online or has no room for another chat.
    #[serde(default)]
    #[validate(range(min = 5, max = 3600))]
    #[schema(minimum = 5, maximum = 3600)]
    pub sticky_owner_secs: Option<i32>,
    /// An accepted chat with no operator reply for this many minutes moves to the next user
    /// available in the site's rotation.
    #[serde(default)]
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub reroute_chat_minutes: Option<i32>,
    /// A lead the rotation dealt that its agent has not touched (no change, note or reply) for
    /// this many minutes moves to the next user available in the rotation.
    #[serde(default)]
    #[validate(range(min = 1, max = 43200))]
    #[schema(minimum = 1, maximum = 43200)]
    pub reroute_lead_minutes: Option<i32>,
}

/// What the server knows of a client's agent when their chat reaches the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentNow {
    pub disabled: bool,
    pub online: bool,
    pub open_chats: i64,
    pub max_open_chats: Option<i32>,
}

/// Whether the chat is offered to the client's agent first: only when they could accept it
/// now (enabled, online, under their open chats limit).
pub fn offer_to_agent(agent: AgentNow) -> bool {
    !agent.disabled && agent.online && agent.max_open_chats.is_none_or(|max| agent.open_chats < max as i64)
}

/// Who a chat or lead moves to from `current`: the next of the rotation's `configured` users
/// who is `available`, never `current` itself; `None` when nobody else is.
pub fn reroute_target(configured: &[Uuid], available: &[Uuid], cursor: i64, current: Uuid) -> Option<Uuid> {
    let others: Vec<Uuid> = available.iter().copied().filter(|u| *u != current).collect();
    crate::next_in_rotation(configured, &others, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    fn agent() -> AgentNow {
        AgentNow { disabled: false, online: true, open_chats: 2, max_open_chats: Some(3) }
    }

    #[test]
    fn a_chat_is_offered_only_to_an_agent_who_could_take_it_now() {
        assert!(offer_to_agent(agent()));
        assert!(offer_to_agent(AgentNow { max_open_chats: None, open_chats: 50, ..agent() }));
        assert!(!offer_to_agent(AgentNow { online: false, ..agent() }), "away or offline");
        assert!(!offer_to_agent(AgentNow { open_chats: 3, ..agent() }), "at the limit");
        assert!(!offer_to_agent(AgentNow { disabled: true, ..agent() }));
    }

    #[test]
    fn a_reroute_goes_to_the_next_one_available_and_never_back() {
        let [a, b, c] = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
        let all = [a, b, c];
        assert_eq!(reroute_target(&all, &all, 0, a), Some(b));
        assert_eq!(reroute_target(&all, &all, 1, a), Some(c));
        assert_eq!(reroute_target(&all, &[a, c], 0, a), Some(c));
        assert_eq!(reroute_target(&all, &[a], 0, a), None, "only the one it leaves");
        assert_eq!(reroute_target(&all, &[], 0, a), None);
    }

    #[test]
    fn settings_are_off_by_default_and_bounded() {
        let off: RoutingSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(off, RoutingSettings::default());
        let bad = RoutingSettings {
            sticky_owner_secs: Some(4),
            reroute_chat_minutes: Some(0),
            reroute_lead_minutes: Some(1),
        };
        let errors = bad.validate().unwrap_err();
        let by_field = errors.field_errors();
        let mut fields: Vec<&str> = by_field.keys().map(|k| k.as_ref()).collect();
        fields.sort();
        assert_eq!(fields, ["reroute_chat_minutes", "sticky_owner_secs"]);
        assert!(serde_json::from_str::<RoutingSettings>(r#"{"sticky": 5}"#).is_err(), "unknown fields");
    }
}
