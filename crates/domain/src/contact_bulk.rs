//! Acting on many clients at once (assign, status, tags, delete) and deleting one: the
//! requests, their answers, the audit's tombstone, and the rule for tags.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::contact_rules::normalize_tags;
use crate::ContactStatus;

/// Most clients one bulk request acts on: one transaction each, so a large selection goes in
/// chunks (the SPA sends 200 at a time and shows its progress).
pub const BULK_MAX_IDS: usize = 500;

/// Most ids `GET /contacts/ids` returns for "all matching this filter".
pub const SELECTION_MAX_IDS: usize = 20_000;

fn validate_ids(ids: &[Uuid]) -> Result<(), ValidationError> {
    if ids.is_empty() || ids.len() > BULK_MAX_IDS {
        return Err(ValidationError::new("ids").with_message("must list 1 to 500 clients".into()));
    }
    Ok(())
}

fn validate_tag_list(tags: &[String]) -> Result<(), ValidationError> {
    if tags.len() > 30 || tags.iter().any(|t| t.trim().is_empty() || t.chars().count() > 50) {
        return Err(ValidationError::new("tags").with_message("at most 30 tags of 1 to 50 characters".into()));
    }
    Ok(())
}

/// Assign the clients to a user, or to nobody (`null`). Admins only.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"], "assignee_id": "8a1d2c3b-4e5f-4a6b-9c7d-0e1f2a3b4c5d"}))]
pub struct BulkAssignRequest {
    #[validate(custom(function = "validate_ids"))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<Uuid>,
    pub assignee_id: Option<Uuid>,
}

/// Set the clients' status.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"], "status": "lost"}))]
pub struct BulkStatusRequest {
    #[validate(custom(function = "validate_ids"))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<Uuid>,
    pub status: ContactStatus,
}

/// Add and remove tags on the clients (a tag both added and removed is added).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"], "add": ["vip"], "remove": ["spam"]}))]
pub struct BulkTagsRequest {
    #[validate(custom(function = "validate_ids"))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<Uuid>,
    #[serde(default)]
    #[validate(custom(function = "validate_tag_list"))]
    #[schema(max_items = 30)]
    pub add: Vec<String>,
    #[serde(default)]
    #[validate(custom(function = "validate_tag_list"))]
    #[schema(max_items = 30)]
    pub remove: Vec<String>,
}

/// Delete the clients for good. Admins only.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"], "delete_cards": false}))]
pub struct BulkDeleteRequest {
    #[validate(custom(function = "validate_ids"))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<Uuid>,
    /// Also delete their cards (deals) on every board; by default the cards stay, without a
    /// client.
    #[serde(default)]
    pub delete_cards: bool,
}

/// What a bulk request did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BulkResult {
    /// Clients changed (or deleted).
    pub changed: u32,
    /// Clients that already were so: nothing to change.
    pub unchanged: u32,
    /// Ids the caller does not see (another account's, another agent's, or gone).
    pub not_found: Vec<Uuid>,
}

/// The ids of every client matching a list filter, for "select all N".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactIdList {
    /// In list order, at most 20,000.
    pub ids: Vec<Uuid>,
    /// More clients match than `ids` holds: narrow the filter.
    pub truncated: bool,
}

/// What deleting one client removed, as the tombstone in the account's audit keeps it (no
/// personal data: it honours an erasure request).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactDeletion {
    pub contact_id: Uuid,
    pub conversations: i64,
    pub notes: i64,
    pub calls: i64,
    /// Files kept on the client, deleted from storage with it.
    #[serde(default)]
    pub files: i64,
    pub tasks: i64,
    /// Cards that lost their link to the client (they stay on their boards).
    pub cards_unlinked: i64,
    /// Cards deleted with the client (`delete_cards`).
    pub cards_deleted: i64,
}

/// One entry of the account's audit: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// `contact.deleted`.
    #[schema(example = "contact.deleted")]
    pub action: String,
    pub subject_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    /// Who, as the change log names them.
    pub actor: String,
    /// What the action removed or changed (for `contact.deleted`: the counts of
    /// [`ContactDeletion`]).
    pub details: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A page of the audit, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for older entries; none on the last page.
    pub next_before: Option<i64>,
}

/// A client's tags after a bulk edit: `remove` taken out, then `add` appended (trimmed, each
/// once, in their order).
pub fn tags_after(current: &[String], add: &[String], remove: &[String]) -> Vec<String> {
    let add = normalize_tags(add.to_vec());
    let remove = normalize_tags(remove.to_vec());
    let mut kept: Vec<String> = current.iter().filter(|t| !remove.contains(t) || add.contains(t)).cloned().collect();
    kept.extend(add);
    normalize_tags(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tags_are_removed_then_added_each_once() {
        let now = tags(&["vip", "spam", "feira"]);
        assert_eq!(tags_after(&now, &tags(&[" novo ", "vip"]), &tags(&["spam"])), tags(&["vip", "feira", "novo"]));
        assert_eq!(tags_after(&now, &[], &tags(&["vip", "feira", "spam"])), Vec::<String>::new());
        assert_eq!(tags_after(&now, &tags(&["spam"]), &tags(&["spam"])), now, "added wins over removed");
    }

    #[test]
    fn a_bulk_request_names_one_to_five_hundred_clients() {
        let many: Vec<Uuid> = (0..501).map(|i| Uuid::from_u128(i + 1)).collect();
        let req = |ids: Vec<Uuid>| BulkStatusRequest { ids, status: ContactStatus::Won };
        assert!(req(many[..500].to_vec()).validate().is_ok());
        assert!(req(many).validate().is_err());
        assert!(req(Vec::new()).validate().is_err());
    }
}
