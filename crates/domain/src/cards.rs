//! Cards on a board: deals and clients moving through stages, their labels, comments, history
//! and the board view's filters.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::money::Money;

pub const CARD_TITLE_MAX: u64 = 200;
pub const CARD_DESCRIPTION_MAX: u64 = 10_000;
pub const COMMENT_MAX: u64 = 5_000;
/// Cards per stage the board view may ask for (the seed's choices).
pub const PER_STAGE_CHOICES: [i64; 5] = [10, 20, 50, 100, 500];
pub const PER_STAGE_DEFAULT: i64 = 20;

/// Something visible, at most `max` characters.
fn visible(s: &str, max: u64) -> Result<(), ValidationError> {
    if s.trim().is_empty() {
        return Err(ValidationError::new("length").with_message("must not be empty".into()));
    }
    if s.chars().count() as u64 > max {
        return Err(ValidationError::new("length").with_message(format!("must be at most {max} characters").into()));
    }
    Ok(())
}

fn card_title(s: &str) -> Result<(), ValidationError> {
    visible(s, CARD_TITLE_MAX)
}

pub(crate) fn comment_body(s: &str) -> Result<(), ValidationError> {
    visible(s, COMMENT_MAX)
}

pub(crate) fn money(m: &Money) -> Result<(), ValidationError> {
    match crate::money::to_minor(&m.amount, &m.currency) {
        Ok(_) => Ok(()),
        Err(crate::money::MoneyError::Currency) => {
            Err(ValidationError::new("currency").with_message("currency must be an ISO 4217 code like BRL".into()))
        }
        Err(crate::money::MoneyError::Amount) => Err(ValidationError::new("amount").with_message(
            "amount must be a non-negative decimal like 1250.00, with at most the currency's decimals".into(),
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LabelView {
    pub id: Uuid,
    pub name: String,
    pub colour: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Quente", "colour": "#c0342b"}))]
pub struct CreateLabelRequest {
    #[validate(length(min = 1, max = 50, message = "must be 1 to 50 characters"))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    #[validate(custom(function = "crate::boards::validate_colour"))]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub colour: Option<String>,
}

/// The linked contact as a card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardContact {
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The contact's seller.
    pub assignee_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardView {
    pub id: Uuid,
    pub board_id: Uuid,
    pub stage_id: Uuid,
    pub title: String,
    pub description: String,
    pub contact: Option<CardContact>,
    /// The deal's value.
    pub value: Option<Money>,
    /// What is being sold.
    pub product: Option<String>,
    pub label_ids: Vec<Uuid>,
    pub member_ids: Vec<Uuid>,
    /// Values of the board's custom fields, by key.
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    pub archived_at: Option<DateTime<Utc>>,
    pub lost_at: Option<DateTime<Utc>>,
    pub lost_reason: Option<String>,
    pub converted_to_client_at: Option<DateTime<Utc>>,
    pub converted_to_service_at: Option<DateTime<Utc>>,
    /// Not updated for the stage's stale days.
    pub stale: bool,
    /// Grows with every change; sent as the `ETag` and expected back in `If-Match`.
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stage_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10", "title": "Plano 500 MB — Ana",
    "value": {"amount": "1250.00", "currency": "BRL"}}))]
pub struct CreateCardRequest {
    /// The stage it starts in (last in the stage).
    pub stage_id: Uuid,
    #[validate(custom(function = "card_title"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// At most one card per contact per board (409 names the existing card).
    pub contact_id: Option<Uuid>,
    #[validate(custom(function = "money"))]
    pub value: Option<Money>,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub product: Option<String>,
    #[serde(default)]
    #[validate(length(max = 30))]
    #[schema(max_items = 30)]
    pub label_ids: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub member_ids: Vec<Uuid>,
    /// Values of the board's custom fields by key (422 `custom_fields.<key>` when one does not
    /// fit its field); over the base card's defaults.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

/// Partial update; absent fields stay, `null` clears contact, value or product.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Plano 1 GB — Ana", "value": {"amount": "1890.00", "currency": "BRL"}}))]
pub struct UpdateCardRequest {
    #[validate(custom(function = "card_title"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(custom(function = "money"))]
    #[schema(value_type = Option<Money>)]
    pub value: Option<Option<Money>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub product: Option<Option<String>>,
    #[validate(length(max = 30))]
    #[schema(max_items = 30)]
    pub label_ids: Option<Vec<Uuid>>,
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub member_ids: Option<Vec<Uuid>>,
    /// Only the keys sent change; `null` clears one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Where a card goes: into `stage_id`, right after `after_id` (a card of that stage), or first
/// when `after_id` is absent or null.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stage_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10", "after_id": null}))]
pub struct MoveCardRequest {
    pub stage_id: Uuid,
    pub after_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Fechou com a concorrência"}))]
pub struct LoseCardRequest {
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// What a card's contact becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConvertTarget {
    /// A client: the contact's status becomes won.
    Client,
    /// A client service (a contracted service of a client): also won.
    Service,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "client"}))]
pub struct ConvertCardRequest {
    pub to: ConvertTarget,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct DeleteCardParams {
    /// Also delete the linked contact; otherwise only the link goes.
    pub delete_contact: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_label: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentList {
    pub items: Vec<CommentView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Cliente pediu proposta até sexta."}))]
pub struct CreateCommentRequest {
    #[validate(custom(function = "comment_body"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub card_id: Uuid,
    pub filename: String,
    /// As uploaded; the download is sent with it.
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentList {
    pub items: Vec<AttachmentView>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name as the user knows it (any path before it is dropped).
    #[validate(length(min = 1, max = 255, message = "must be 1 to 255 characters"))]
    #[param(min_length = 1, max_length = 255)]
    pub filename: String,
}

/// A card related to another, as the other shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RelatedCard {
    pub id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    pub stage_name: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RelatedCardList {
    pub items: Vec<RelatedCard>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"card_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"}))]
pub struct RelateCardRequest {
    /// Another card the caller sees, on any board of the account.
    pub card_id: Uuid,
}

/// One change on a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    pub card_id: Option<Uuid>,
    /// The card's title when the change was made.
    pub card_title: String,
    pub user_id: Option<Uuid>,
    pub actor_label: String,
    /// `created`, `updated`, `moved`, `archived`, `unarchived`, `lost`, `reopened`,
    /// `converted`, `commented`, `deleted`, `attached`, `detached`, `related`, `unrelated`,
    /// `checked`, `unchecked`; with no card: `base_card_updated`, `base_card_attached`,
    /// `base_card_detached`.
    pub action: String,
    /// For `updated`: which field.
    pub field: Option<String>,
    /// Any JSON value: a field's old value, a file name, a stage…
    pub old_value: Option<serde_json::Value>,
    /// Any JSON value, as `old_value`.
    pub new_value: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    /// Pass as `before` for older entries; `null` at the start.
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    pub card_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// Entries older than this id.
    #[validate(range(min = 1))]
    #[param(minimum = 1)]
    pub before: Option<i64>,
    #[validate(range(min = 1, max = 200, message = "must be 1 to 200"))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Which date the board view's range applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardDateField {
    #[default]
    CardCreated,
    ContactCreated,
}

/// Order within a stage: the board's own (drag and drop), or by the chosen date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardOrder {
    #[default]
    Manual,
    Asc,
    Desc,
}

/// Yes, no, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum YesNoAll {
    Yes,
    No,
    All,
}

impl YesNoAll {
    /// `Some(wanted)` to filter on, `None` for either.
    pub fn wanted(this: Option<YesNoAll>, default: YesNoAll) -> Option<bool> {
        match this.unwrap_or(default) {
            YesNoAll::Yes => Some(true),
            YesNoAll::No => Some(false),
            YesNoAll::All => None,
        }
    }
}

/// The board view's filters (all optional; they live in the SPA's URL as they are here).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, IntoParams, ToSchema, Validate)]
#[into_params(parameter_in = Query)]
pub struct BoardFilter {
    pub date_field: Option<BoardDateField>,
    /// On or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// On or before this day (UTC).
    pub to: Option<NaiveDate>,
    pub order: Option<BoardOrder>,
    /// Cards per stage: 10, 20 (default), 50, 100 or 500.
    #[validate(custom(function = "per_stage_choice"))]
    #[param(minimum = 10, maximum = 500)]
    #[schema(minimum = 10, maximum = 500)]
    pub per_stage: Option<i64>,
    /// Comma-separated label ids: cards with any of them.
    #[validate(length(max = 2000))]
    #[param(max_length = 2000)]
    pub label_ids: Option<String>,
    /// Comma-separated user ids: cards with any of them as member.
    #[validate(length(max = 2000))]
    #[param(max_length = 2000)]
    pub member_ids: Option<String>,
    /// Comma-separated user ids: cards whose contact is assigned to one of them.
    #[validate(length(max = 2000))]
    #[param(max_length = 2000)]
    pub seller_ids: Option<String>,
    pub stale: Option<YesNoAll>,
    /// Cards with open tasks.
    pub has_tasks: Option<YesNoAll>,
    /// Default `no`: archived cards are hidden unless asked for.
    pub archived: Option<YesNoAll>,
    pub lost: Option<YesNoAll>,
    pub converted_client: Option<YesNoAll>,
    pub converted_service: Option<YesNoAll>,
    /// Text in the title, description, or the contact's name, e-mail or phone.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
}

fn per_stage_choice(n: i64) -> Result<(), ValidationError> {
    if PER_STAGE_CHOICES.contains(&n) {
        Ok(())
    } else {
        Err(ValidationError::new("per_stage").with_message("must be 10, 20, 50, 100 or 500".into()))
    }
}

/// "Load more" for one stage.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct StagePageParams {
    /// Only this stage (with `cursor`, its next cards).
    pub stage_id: Option<Uuid>,
    /// A stage's `next_cursor` (empty: the first page).
    #[validate(length(max = 260))]
    #[param(
        max_length = 260,
        pattern = r"^(p\.[0-9A-Za-z]{0,254}[1-9A-Za-z]|d\.[0-9]{1,15}\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$"
    )]
    pub cursor: Option<String>,
}

/// One stage's cards under the filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StageCards {
    pub stage_id: Uuid,
    /// Cards in the stage under the filter (all of them, not just this page).
    pub count: i64,
    /// Deal values under the filter, summed per currency.
    pub sums: Vec<Money>,
    pub cards: Vec<CardView>,
    /// For "load more"; `null` when this was the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardCards {
    /// In board order.
    pub stages: Vec<StageCards>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedFilterView {
    pub id: Uuid,
    pub name: String,
    /// The screen's query string: the board view's (`lost=no&label_ids=…`) or the client
    /// list's (`status=new&tag=vip`).
    pub query: String,
    /// Shown to everyone who sees the board (or, for client filters, the account), not only
    /// to its author.
    #[serde(default)]
    pub shared: bool,
    /// The caller saved it (and so may delete it; admins may also delete shared ones).
    #[serde(default)]
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedFilterList {
    pub items: Vec<SavedFilterView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Quentes sem tarefa", "query": "label_ids=3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10&lost=no", "shared": false}))]
pub struct CreateSavedFilterRequest {
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"), custom(function = "filter_name"))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[validate(length(max = 4000, message = "must be at most 4000 characters"))]
    #[schema(max_length = 4000)]
    pub query: String,
    /// Share it with everyone who sees the board (client filters: the whole account).
    #[serde(default)]
    pub shared: bool,
}

/// A saved filter's name is more than spaces (an empty one is the length rule's to refuse).
fn filter_name(name: &str) -> Result<(), ValidationError> {
    match name.trim().is_empty() && !name.is_empty() {
        true => Err(ValidationError::new("required").with_message("is required".into())),
        false => Ok(()),
    }
}

/// A comma-separated list of ids; `Err` holds the first that is not a UUID.
pub fn parse_ids(list: Option<&str>) -> Result<Vec<Uuid>, String> {
    let Some(list) = list else { return Ok(Vec::new()) };
    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse().map_err(|_| s.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_parse_or_name_the_bad_one() {
        let a = Uuid::new_v4();
        assert_eq!(parse_ids(None), Ok(vec![]));
        assert_eq!(parse_ids(Some(&format!("{a}, {a},"))), Ok(vec![a, a]));
        assert_eq!(parse_ids(Some("x")), Err("x".to_string()));
    }

    #[test]
    fn per_stage_is_one_of_the_choices() {
        assert!(per_stage_choice(20).is_ok());
        assert!(per_stage_choice(21).is_err());
    }

    #[test]
    fn card_values_are_validated() {
        let bad = CreateCardRequest {
            stage_id: Uuid::nil(),
            title: "  ".into(),
            value: Some(Money { amount: "1.234".into(), currency: "BRL".into() }),
            ..Default::default()
        };
        let errors = bad.validate().unwrap_err();
        let fields = errors.field_errors();
        assert!(fields.contains_key("title") && fields.contains_key("value"));
    }

    #[test]
    fn a_card_edit_leaves_out_the_contact_it_does_not_touch() {
        let edit = UpdateCardRequest { title: Some("x".into()), ..Default::default() };
        let sent = serde_json::to_value(&edit).unwrap();
        assert!(sent.get("contact_id").is_none() && sent.get("value").is_none() && sent.get("product").is_none());
        let back: UpdateCardRequest = serde_json::from_value(sent).unwrap();
        assert_eq!(back.contact_id, None, "absent, not cleared");
    }

    #[test]
    fn archived_cards_are_hidden_by_default() {
        assert_eq!(YesNoAll::wanted(None, YesNoAll::No), Some(false));
        assert_eq!(YesNoAll::wanted(Some(YesNoAll::All), YesNoAll::No), None);
    }
}
