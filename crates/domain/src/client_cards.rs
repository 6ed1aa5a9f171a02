//! A client's cards as the client screen lists them: one line per board the caller may see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Money;

/// Where a deal stands: open until it is won (converted to a client or a service), lost or
/// archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    Open,
    Won,
    Lost,
    Archived,
}

impl CardStatus {
    /// A card's status from its moments. Archiving hides a card whatever happened before, so
    /// it wins; a conversion is a sale even if the card was once marked lost and reopened.
    pub fn of(
        archived_at: Option<DateTime<Utc>>,
        lost_at: Option<DateTime<Utc>>,
        converted_to_client_at: Option<DateTime<Utc>>,
        converted_to_service_at: Option<DateTime<Utc>>,
    ) -> CardStatus {
        if archived_at.is_some() {
            CardStatus::Archived
        } else if converted_to_client_at.is_some() || converted_to_service_at.is_some() {
            CardStatus::Won
        } else if lost_at.is_some() {
            CardStatus::Lost
        } else {
            CardStatus::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CardStatus::Open => "open",
            CardStatus::Won => "won",
            CardStatus::Lost => "lost",
            CardStatus::Archived => "archived",
        }
    }
}

/// One of a client's cards, with its board and stage: the client screen's Deals section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactCard {
    pub id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    /// The board's colour, `#rrggbb`.
    pub board_colour: String,
    pub stage_id: Uuid,
    pub stage_name: String,
    pub title: String,
    pub value: Option<Money>,
    pub status: CardStatus,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_open_until_won_lost_or_archived() {
        let t = Some(Utc::now());
        assert_eq!(CardStatus::of(None, None, None, None), CardStatus::Open);
        assert_eq!(CardStatus::of(None, t, None, None), CardStatus::Lost);
        assert_eq!(CardStatus::of(None, None, t, None), CardStatus::Won);
        assert_eq!(CardStatus::of(None, None, None, t), CardStatus::Won);
        assert_eq!(CardStatus::of(None, t, t, None), CardStatus::Won, "converted after a reopening");
        assert_eq!(CardStatus::of(t, None, t, None), CardStatus::Archived);
        assert_eq!(CardStatus::Archived.as_str(), "archived");
    }
}
