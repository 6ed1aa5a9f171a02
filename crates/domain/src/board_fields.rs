//! A board's own custom fields, its base card (what every new card starts from) and card
//! checklists.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::custom_fields::{check_custom_value, validate_key, CustomFieldKind};
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardFieldKind {
    Text,
    Number,
    /// `{"amount": "1250.00", "currency": "BRL"}`, as a card's value.
    Money,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Select,
    /// A user id of the account.
    User,
    /// A contact id the caller can see.
    Contact,
}

impl BoardFieldKind {
    pub const ALL: [BoardFieldKind; 7] = [
        BoardFieldKind::Text,
        BoardFieldKind::Number,
        BoardFieldKind::Money,
        BoardFieldKind::Date,
        BoardFieldKind::Select,
        BoardFieldKind::User,
        BoardFieldKind::Contact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BoardFieldKind::Text => "text",
            BoardFieldKind::Number => "number",
            BoardFieldKind::Money => "money",
            BoardFieldKind::Date => "date",
            BoardFieldKind::Select => "select",
            BoardFieldKind::User => "user",
            BoardFieldKind::Contact => "contact",
        }
    }

    pub fn parse(s: &str) -> Option<BoardFieldKind> {
        BoardFieldKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardFieldView {
    pub id: Uuid,
    /// The key under a card's `custom_fields`.
    pub key: String,
    pub label: String,
    pub kind: BoardFieldKind,
    pub options: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardFieldList {
    pub items: Vec<BoardFieldView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["300 MB", "500 MB", "1 GB"]}))]
pub struct CreateBoardFieldRequest {
    #[validate(custom(function = "validate_key"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub key: String,
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub label: String,
    pub kind: BoardFieldKind,
    /// Required, non-empty, for `select`.
    #[serde(default)]
    #[validate(length(max = 50, message = "at most 50 options"))]
    #[schema(max_items = 50)]
    pub options: Vec<String>,
}

/// Checks the shape of one card value; `null` clears a value and is always allowed. Whether a
/// `user` or `contact` id exists is for the server to check.
pub fn check_board_value(kind: BoardFieldKind, options: &[String], value: &Value) -> Result<(), String> {
    let simple = |k: CustomFieldKind| check_custom_value(k, options, value);
    match (kind, value) {
        (_, Value::Null) => Ok(()),
        // PostgreSQL's jsonb cannot hold U+0000.
        (BoardFieldKind::Text, Value::String(s)) if s.contains('\0') => Err("must not contain NUL characters".into()),
        (BoardFieldKind::Text, _) => simple(CustomFieldKind::Text),
        (BoardFieldKind::Number, _) => simple(CustomFieldKind::Number),
        (BoardFieldKind::Date, _) => simple(CustomFieldKind::Date),
        (BoardFieldKind::Select, _) => simple(CustomFieldKind::Select),
        (BoardFieldKind::Money, _) => match crate::json_value::from_value::<Money>(value.clone()) {
            Ok(m) => crate::cards::money(&m).map_err(|e| e.message.map(|m| m.to_string()).unwrap_or_default()),
            Err(_) => Err(r#"must be money like {"amount": "1250.00", "currency": "BRL"}"#.into()),
        },
        (BoardFieldKind::User | BoardFieldKind::Contact, Value::String(s)) if Uuid::parse_str(s).is_ok() => Ok(()),
        (BoardFieldKind::User, _) => Err("must be a user id".into()),
        (BoardFieldKind::Contact, _) => Err("must be a contact id".into()),
    }
}

/// What every new card of a board starts from: its description when the new card has none,
/// its labels and members added to the card's, its field values under the card's own, its
/// checklist and comments, and its files (`/boards/{id}/base-card/attachments`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Endereço:\nPlano:", "label_ids": [], "member_ids": [],
    "custom_fields": {"plan": "500 MB"}, "checklist": ["Consultar viabilidade", "Enviar proposta"],
    "comments": [{"body": "Confirmar o endereço antes da visita."}]}))]
pub struct BaseCard {
    #[serde(default)]
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub description: String,
    #[serde(default)]
    #[validate(length(max = 30))]
    #[schema(max_items = 30)]
    pub label_ids: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub member_ids: Vec<Uuid>,
    /// Default values, by field key.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    /// Checklist items every new card gets, in order.
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "checklist_texts"))]
    #[schema(max_items = 50)]
    pub checklist: Vec<String>,
    /// Comments every new card gets, in order, under the name of whoever wrote them here.
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub comments: Vec<BaseComment>,
}

/// A comment of the base card. Its author is set by the server: whoever first saved this text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseComment {
    #[validate(custom(function = "crate::cards::comment_body"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
    #[serde(default)]
    #[schema(read_only)]
    pub author_id: Option<Uuid>,
    #[serde(default)]
    #[schema(read_only)]
    pub author_label: Option<String>,
}

/// A file on a board's base card: every new card of the board starts with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BaseAttachmentView {
    pub id: Uuid,
    pub board_id: Uuid,
    pub filename: String,
    /// As uploaded; the download is sent with it.
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BaseAttachmentList {
    /// Oldest first.
    pub items: Vec<BaseAttachmentView>,
}

fn checklist_texts(items: &[String]) -> Result<(), ValidationError> {
    if items.iter().all(|t| checklist_text(t).is_ok()) {
        Ok(())
    } else {
        Err(ValidationError::new("length").with_message("each item must be 1 to 200 characters".into()))
    }
}

fn checklist_text(text: &str) -> Result<(), ValidationError> {
    let n = text.trim().chars().count();
    if (1..=200).contains(&n) && !text.contains('\0') {
        Ok(())
    } else {
        Err(ValidationError::new("length").with_message("must be 1 to 200 characters".into()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChecklistItemView {
    pub id: Uuid,
    pub text: String,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChecklistItemList {
    /// In order.
    pub items: Vec<ChecklistItemView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Consultar viabilidade técnica"}))]
pub struct CreateChecklistItemRequest {
    #[validate(custom(function = "checklist_text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"done": true}))]
pub struct UpdateChecklistItemRequest {
    #[validate(custom(function = "checklist_text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub text: Option<String>,
    pub done: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn card_values_must_fit_their_field() {
        let id = "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10";
        assert!(check_board_value(BoardFieldKind::Money, &[], &json!({"amount": "10.50", "currency": "BRL"})).is_ok());
        assert!(check_board_value(BoardFieldKind::Money, &[], &json!({"amount": "10.505", "currency": "BRL"})).is_err());
        assert!(check_board_value(BoardFieldKind::Money, &[], &json!(10.5)).is_err());
        assert!(check_board_value(BoardFieldKind::User, &[], &json!(id)).is_ok());
        assert!(check_board_value(BoardFieldKind::Contact, &[], &json!("ana")).is_err());
        assert!(check_board_value(BoardFieldKind::Select, &["a".into()], &json!("b")).is_err());
        assert!(check_board_value(BoardFieldKind::Date, &[], &json!("2026-12-01")).is_ok());
        assert!(check_board_value(BoardFieldKind::Number, &[], &json!(null)).is_ok());
        assert!(check_board_value(BoardFieldKind::Text, &[], &json!("a\u{0}b")).is_err());
    }

    #[test]
    fn a_base_card_comment_must_have_text() {
        let comment = |body: &str| BaseComment { body: body.into(), ..Default::default() };
        assert!(BaseCard { comments: vec![comment("Ligar antes")], ..Default::default() }.validate().is_ok());
        assert!(BaseCard { comments: vec![comment("  ")], ..Default::default() }.validate().is_err());
        assert!(BaseCard { comments: vec![comment("x"); 21], ..Default::default() }.validate().is_err());
    }

    #[test]
    fn a_base_card_checklist_item_must_have_text() {
        let base = BaseCard { checklist: vec!["ok".into(), "  ".into()], ..Default::default() };
        assert!(base.validate().is_err());
        let base = BaseCard { checklist: vec!["ok".into()], ..Default::default() };
        assert!(base.validate().is_ok());
    }
}
