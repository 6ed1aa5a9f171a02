//! A client's cards across the boards the caller may see (the client screen's Deals section).

use diesel::prelude::*;
use domain::{CardStatus, ContactCard, Money};
use uuid::Uuid;

use crate::platform::db::schema::{board_stages, boards, cards};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;

/// The cards of `contact_id` (the caller has been checked to see the contact) on boards the
/// caller sees: open ones first, then the most recently changed. One per board at most, so
/// the list is as long as the account has boards.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, contact_id: Uuid) -> ApiResult<Vec<ContactCard>> {
    let rows = cards::table
        .inner_join(boards::table.on(boards::id.eq(cards::board_id)))
        .inner_join(board_stages::table.on(board_stages::id.eq(cards::stage_id)))
        .filter(cards::account_id.eq(caller.account_id))
        .filter(cards::contact_id.eq(contact_id))
        .filter(cards::board_id.eq_any(crate::boards::visible(caller).select(boards::id)))
        .order((cards::updated_at.desc(), cards::id))
        .select((
            (cards::id, cards::board_id, boards::name, boards::colour, cards::stage_id, board_stages::name),
            (cards::title, cards::amount_minor, cards::currency, cards::updated_at),
            (cards::archived_at, cards::lost_at, cards::converted_to_client_at, cards::converted_to_service_at),
        ))
        .load::<(
            (Uuid, Uuid, String, String, Uuid, String),
            (String, Option<i64>, Option<String>, chrono::DateTime<chrono::Utc>),
            (
                Option<chrono::DateTime<chrono::Utc>>,
                Option<chrono::DateTime<chrono::Utc>>,
                Option<chrono::DateTime<chrono::Utc>>,
                Option<chrono::DateTime<chrono::Utc>>,
            ),
        )>(conn)?;
    let mut list: Vec<ContactCard> = rows
        .into_iter()
        .map(
            |(
                (id, board_id, board_name, board_colour, stage_id, stage_name),
                (title, minor, currency, updated_at),
                moments,
            )| {
                let (archived, lost, client, service) = moments;
                ContactCard {
                    id,
                    board_id,
                    board_name,
                    board_colour,
                    stage_id,
                    stage_name,
                    title,
                    value: minor.zip(currency).map(|(m, c)| Money::from_minor(m, &c)),
                    status: CardStatus::of(archived, lost, client, service),
                    updated_at,
                }
            },
        )
        .collect();
    // Stable: the most recently changed first within open and within the rest.
    list.sort_by_key(|c| c.status != CardStatus::Open);
    Ok(list)
}
