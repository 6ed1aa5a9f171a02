//! Kanban boards (pipelines) and their stages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// A colour as `#rrggbb`.
pub const COLOUR_PATTERN: &str = "^#[0-9a-fA-F]{6}$";

pub fn validate_colour(c: &str) -> Result<(), ValidationError> {
    Colour::parse(c).map(|_| ()).map_err(|msg| ValidationError::new("pattern").with_message(msg.into()))
}

/// A board's, stage's or label's colour as stored: `#rrggbb`, lower-case. The only way to get
/// one is [`Colour::parse`] (or the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colour(String);

impl Colour {
    /// What a new board, stage or label gets when none is given.
    pub const DEFAULT: &'static str = "#2358d8";

    pub fn parse(c: &str) -> Result<Colour, &'static str> {
        let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit());
        if ok {
            Ok(Colour(c.to_ascii_lowercase()))
        } else {
            Err("must be a colour like #2358d8")
        }
    }

    /// The given colour (validated by the request already), or the default.
    pub fn or_default(c: Option<&str>) -> Colour {
        c.and_then(|c| Colour::parse(c).ok()).unwrap_or_else(|| Colour(Colour::DEFAULT.to_string()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A column of a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StageView {
    pub id: Uuid,
    pub name: String,
    pub colour: String,
    /// Cards not updated for this many days are highlighted.
    pub stale_days: Option<i32>,
    /// Shown as exceeded when the stage holds more cards.
    pub wip_limit: Option<i32>,
    /// Every card in the stage, archived and lost ones too: what deleting it has to move.
    pub card_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardView {
    pub id: Uuid,
    pub name: String,
    pub colour: String,
    /// The users (besides admins) who see the board.
    pub member_ids: Vec<Uuid>,
    /// In board order.
    pub stages: Vec<StageView>,
    pub labels: Vec<crate::cards::LabelView>,
    /// The custom fields of its cards, oldest first.
    pub fields: Vec<crate::board_fields::BoardFieldView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardList {
    pub items: Vec<BoardView>,
}

/// A ready-made board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardTemplate {
    /// Deals from first contact to won or lost.
    SalesPipeline,
    /// The clients a team looks after, by how the relationship stands.
    ClientPortfolio,
}

/// A template's stages: (English name, Portuguese name, colour, stale days).
pub fn template_stages(t: BoardTemplate) -> &'static [(&'static str, &'static str, &'static str, Option<i32>)] {
    match t {
        BoardTemplate::SalesPipeline => &[
            ("New lead", "Novo lead", "#64748b", Some(2)),
            ("Qualified", "Qualificado", "#2358d8", Some(5)),
            ("Proposal sent", "Proposta enviada", "#7c3aed", Some(7)),
            ("Negotiation", "Negociação", "#b45309", Some(7)),
            ("Won", "Ganho", "#15803d", None),
            ("Lost", "Perdido", "#c0342b", None),
        ],
        BoardTemplate::ClientPortfolio => &[
            ("Onboarding", "Implantação", "#2358d8", Some(14)),
            ("Active", "Ativo", "#15803d", Some(30)),
            ("At risk", "Em risco", "#b45309", Some(7)),
            ("Churned", "Cancelado", "#c0342b", None),
        ],
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Vendas 2027", "template": "sales_pipeline", "lang": "pt-BR"}))]
pub struct CreateBoardRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[validate(custom(function = "validate_colour"))]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub colour: Option<String>,
    /// Stages to start with; none for an empty board.
    pub template: Option<BoardTemplate>,
    /// The language of the template's stage names (`pt-BR` or `en`).
    #[validate(length(max = 35))]
    #[schema(max_length = 35)]
    pub lang: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub member_ids: Vec<Uuid>,
}

/// Partial update; absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Vendas", "member_ids": []}))]
pub struct UpdateBoardRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[validate(custom(function = "validate_colour"))]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub colour: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub member_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Proposta enviada", "stale_days": 7}))]
pub struct CreateStageRequest {
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[validate(custom(function = "validate_colour"))]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub colour: Option<String>,
    #[validate(range(min = 1, max = 3650))]
    #[schema(minimum = 1, maximum = 3650)]
    pub stale_days: Option<i32>,
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub wip_limit: Option<i32>,
}

/// Partial update; `null` clears stale days or the WIP limit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Negociação", "wip_limit": null}))]
pub struct UpdateStageRequest {
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: Option<String>,
    #[validate(custom(function = "validate_colour"))]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub colour: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(range(min = 1, max = 3650))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 3650)]
    pub stale_days: Option<Option<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(range(min = 1, max = 10000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    pub wip_limit: Option<Option<i32>>,
}

/// Where a stage goes: right after `after_id`, or first when it is absent or null.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"after_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"}))]
pub struct MoveStageRequest {
    pub after_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct DeleteStageParams {
    /// Another stage of the board that takes this stage's cards.
    pub move_to: Option<Uuid>,
}

/// Where a stage lands when it leaves index `from` for index `to` of `order` (the board's
/// stages in order): right after the returned stage, or first when `None`. Moving forward it
/// goes after the stage now at `to`; moving back, after the one before `to`.
pub fn stage_after(order: &[Uuid], from: usize, to: usize) -> Option<Uuid> {
    match to {
        0 => None,
        _ if from < to => order.get(to).copied(),
        _ => order.get(to - 1).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_stage_lands_where_it_was_dropped() {
        let order: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
        let [a, b, c, _d] = [order[0], order[1], order[2], order[3]];
        assert_eq!(stage_after(&order, 1, 2), Some(c), "one down: after the next one");
        assert_eq!(stage_after(&order, 2, 1), Some(a), "one up: after the one before the previous");
        assert_eq!(stage_after(&order, 1, 0), None, "up to the top: first");
        assert_eq!(stage_after(&order, 0, 3), Some(order[3]), "dragged to the end: after the last");
        assert_eq!(stage_after(&order, 3, 1), Some(a), "dragged back: before the drop target");
        assert_eq!(stage_after(&order, 0, 1), Some(b));
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert!(validate_colour("#2358d8").is_ok());
        assert!(validate_colour("#2358D8").is_ok());
        for bad in ["2358d8", "#2358d", "#2358d8f", "#23g8d8", "#ççç"] {
            assert!(validate_colour(bad).is_err(), "{bad}");
        }
        assert_eq!(Colour::parse("#2358D8").unwrap().into_string(), "#2358d8", "stored lower-case");
        assert_eq!(Colour::or_default(None).into_string(), Colour::DEFAULT);
    }
}
