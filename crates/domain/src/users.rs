//! Accounts, users and roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::MIN_PASSWORD_LEN;

/// What a user may do. Admins configure the account and see every contact; agents see
/// only the contacts assigned to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// The tenant: every row belongs to exactly one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Disabled users cannot log in or refresh tokens, and receive no leads.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// Availability for live chat; sites that deal only to users online skip the others.
    #[serde(default = "crate::chat::offline")]
    pub presence: crate::chat::Presence,
    /// Chats the user may have open (accepted, not closed) at once; `null`: no limit. At the
    /// limit they cannot accept another, and the rotation passes them by.
    #[serde(default)]
    pub max_open_chats: Option<i32>,
    /// New leads the rotation gives them in any 24 hours; `null`: no limit.
    #[serde(default)]
    pub max_new_leads_per_day: Option<i32>,
    /// Whether the app plays a sound for their new chats, transfers, invitations and replies
    /// (their own choice, `PUT /api/v1/me/alerts`).
    #[serde(default = "crate::serde_helpers::yes")]
    pub sound_alerts: bool,
}

/// The caller and their account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    pub user: UserView,
    pub account: AccountView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserView>,
}

/// An admin invites someone to the account by e-mail; they choose their own password when
/// they accept, and only then become a user.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "bruno@acme.test", "name": "Bruno Lima", "role": "agent"}))]
pub struct InviteUserRequest {
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    pub role: Role,
}

/// An invitation that was not accepted yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The admin who sent it (null once that user is deleted).
    pub invited_by: Option<Uuid>,
    /// After this the link no longer works; invite again to send a new one.
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvitationList {
    pub items: Vec<InvitationView>,
}

/// Partial update; absent fields are left unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "admin", "disabled": false}))]
pub struct UpdateUserRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    #[validate(length(min = "MIN_PASSWORD_LEN", max = 200, message = "must be at least 10 characters"))]
    #[schema(min_length = 10, max_length = 200, format = Password)]
    pub password: Option<String>,
    /// `null` removes the limit.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 1000)]
    pub max_open_chats: Option<Option<i32>>,
    /// `null` removes the limit.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(range(min = 1, max = 100000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 100000)]
    pub max_new_leads_per_day: Option<Option<i32>>,
    /// The boards shared with the user, replacing the list (each board's `member_ids` shows
    /// it). Admins see every board whatever it says.
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub board_ids: Option<Vec<Uuid>>,
}

impl UpdateUserRequest {
    /// True when the change would take admin powers away from (or lock out) its target.
    /// An admin may not do that to themselves, so an account always keeps an admin.
    pub fn demotes_or_disables(&self) -> bool {
        self.role == Some(Role::Agent) || self.disabled == Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Admin, Role::Agent] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn demotion_and_disabling_are_detected() {
        assert!(UpdateUserRequest { role: Some(Role::Agent), ..Default::default() }.demotes_or_disables());
        assert!(UpdateUserRequest { disabled: Some(true), ..Default::default() }.demotes_or_disables());
        assert!(!UpdateUserRequest { name: Some("x".into()), ..Default::default() }.demotes_or_disables());
    }
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    /// `contact_assigned`…
    pub kind: String,
    /// In English; clients word it themselves from `kind` and `contact_label`.
    pub title: String,
    pub contact_id: Option<Uuid>,
    /// The contact's name (or e-mail, or phone) as it is now, as typed by the lead.
    pub contact_label: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
    pub unread: i64,
}
