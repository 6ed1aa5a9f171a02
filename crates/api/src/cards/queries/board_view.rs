//! The board view: each stage's cards under the filters of the seed (dates, order, labels,
//! members, sellers, yes/no flags, text), with counts and deal sums per stage, "load more"
//! per stage, the board history and each user's saved filters.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::dsl::{exists, sql};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamptz};
use domain::{
    parse_ids, BoardCards, BoardDateField, BoardFilter, BoardOrder, CreateSavedFilterRequest, HistoryEntry,
    HistoryPage, HistoryParams, Money, SavedFilterView, StageCards, StagePageParams, YesNoAll, PER_STAGE_DEFAULT,
};
use uuid::Uuid;
use validator::Validate;

use super::board_pages;
use crate::platform::db::schema::{
    board_history, board_stages, card_labels, card_members, cards, contacts, saved_board_filters,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

/// `filtered()`'s query: cards with their stage and (maybe) contact.
pub(super) type Filtered = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::LeftJoin<diesel::dsl::InnerJoin<cards::table, board_stages::table>, contacts::table>,
    Pg,
>;

const STALE: &str = "(board_stages.stale_days IS NOT NULL \
     AND cards.updated_at < now() - make_interval(days => board_stages.stale_days))";
const CONTACT_DATE: &str = "COALESCE(contacts.created_at, cards.created_at)";

pub(crate) struct Filter {
    pub(super) date_field: BoardDateField,
    pub(super) from: Option<DateTime<Utc>>,
    pub(super) to: Option<DateTime<Utc>>,
    pub(super) order: BoardOrder,
    pub(super) per_stage: i64,
    pub(super) labels: Vec<Uuid>,
    pub(super) members: Vec<Uuid>,
    pub(super) sellers: Vec<Uuid>,
    pub(super) stale: Option<bool>,
    pub(super) has_tasks: Option<bool>,
    pub(super) archived: Option<bool>,
    pub(super) lost: Option<bool>,
    pub(super) converted_client: Option<bool>,
    pub(super) converted_service: Option<bool>,
    pub(super) q: Option<String>,
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

impl Filter {
    pub(crate) fn parse(f: BoardFilter) -> ApiResult<Filter> {
        f.validate()?;
        let ids = |field: &str, list: Option<&str>| {
            parse_ids(list).map_err(|_| ApiError::field(field, "invalid", "must be comma-separated ids"))
        };
        Ok(Filter {
            date_field: f.date_field.unwrap_or_default(),
            from: f.from.map(midnight),
            to: f.to.and_then(|d| d.succ_opt()).map(midnight),
            order: f.order.unwrap_or_default(),
            per_stage: f.per_stage.unwrap_or(PER_STAGE_DEFAULT),
            labels: ids("label_ids", f.label_ids.as_deref())?,
            members: ids("member_ids", f.member_ids.as_deref())?,
            sellers: ids("seller_ids", f.seller_ids.as_deref())?,
            stale: YesNoAll::wanted(f.stale, YesNoAll::All),
            has_tasks: YesNoAll::wanted(f.has_tasks, YesNoAll::All),
            archived: YesNoAll::wanted(f.archived, YesNoAll::No),
            lost: YesNoAll::wanted(f.lost, YesNoAll::All),
            converted_client: YesNoAll::wanted(f.converted_client, YesNoAll::All),
            converted_service: YesNoAll::wanted(f.converted_service, YesNoAll::All),
            q: f.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty()),
        })
    }

    pub(super) fn date_sql(&self) -> &'static str {
        match self.date_field {
            BoardDateField::CardCreated => "cards.created_at",
            BoardDateField::ContactCreated => CONTACT_DATE,
        }
    }

    /// The board's cards under this filter.
    pub(super) fn query(&self, board_id: Uuid) -> Filtered {
        let mut q = cards::table
            .inner_join(board_stages::table)
            .left_join(contacts::table)
            .filter(cards::board_id.eq(board_id))
            .into_boxed();
        if let Some(from) = self.from {
            q = q.filter(sql::<Bool>(&format!("{} >= ", self.date_sql())).bind::<Timestamptz, _>(from));
        }
        if let Some(to) = self.to {
            q = q.filter(sql::<Bool>(&format!("{} < ", self.date_sql())).bind::<Timestamptz, _>(to));
        }
        if !self.labels.is_empty() {
            q = q.filter(exists(
                card_labels::table
                    .filter(card_labels::card_id.eq(cards::id))
                    .filter(card_labels::label_id.eq_any(self.labels.clone())),
            ));
        }
        if !self.members.is_empty() {
            q = q.filter(exists(
                card_members::table
                    .filter(card_members::card_id.eq(cards::id))
                    .filter(card_members::user_id.eq_any(self.members.clone())),
            ));
        }
        if !self.sellers.is_empty() {
            q = q.filter(contacts::assignee_id.eq_any(self.sellers.clone()));
        }
        if let Some(stale) = self.stale {
            q = q.filter(if stale { sql::<Bool>(STALE) } else { sql::<Bool>(&format!("NOT {STALE}")) });
        }
        if let Some(wanted) = self.has_tasks {
            let open = "EXISTS (SELECT 1 FROM tasks t WHERE t.card_id = cards.id AND t.done_at IS NULL)";
            q = q.filter(sql::<Bool>(&format!("{}{open}", if wanted { "" } else { "NOT " })));
        }
        macro_rules! flag {
            ($wanted:expr, $column:expr) => {
                match $wanted {
                    Some(true) => q = q.filter($column.is_not_null()),
                    Some(false) => q = q.filter($column.is_null()),
                    None => {}
                }
            };
        }
        flag!(self.archived, cards::archived_at);
        flag!(self.lost, cards::lost_at);
        flag!(self.converted_client, cards::converted_to_client_at);
        flag!(self.converted_service, cards::converted_to_service_at);
        if let Some(text) = &self.q {
            let pattern = crate::contacts::queries::like_pattern(text);
            q = q.filter(
                cards::title
                    .ilike(pattern.clone())
                    .or(cards::description.ilike(pattern.clone()))
                    .or(contacts::name.ilike(pattern.clone()).assume_not_null())
                    .or(contacts::email.ilike(pattern.clone()).assume_not_null())
                    .or(contacts::phone.ilike(pattern).assume_not_null()),
            );
        }
        q
    }
}

/// Where a stage's page ends: a position (board order) or a date and id.
pub(crate) enum Cursor {
    Position(String),
    Date(DateTime<Utc>, Uuid),
}

impl Cursor {
    pub(super) fn encode(&self) -> String {
        match self {
            Cursor::Position(key) => format!("p.{key}"),
            Cursor::Date(at, id) => format!("d.{}.{id}", at.timestamp_micros()),
        }
    }

    pub(crate) fn decode(s: &str) -> ApiResult<Cursor> {
        let bad = || ApiError::field("cursor", "invalid", "is not a cursor from this board view");
        if let Some(key) = s.strip_prefix("p.") {
            return domain::positions::Position::parse(key)
                .map(|key| Cursor::Position(key.into_string()))
                .map_err(|_| bad());
        }
        let rest = s.strip_prefix("d.").ok_or_else(bad)?;
        let (micros, id) = rest.split_once('.').ok_or_else(bad)?;
        let at = micros.parse().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(bad)?;
        Ok(Cursor::Date(at, id.parse().map_err(|_| bad())?))
    }
}

/// Count and per-currency sums of every stage under the filter, in one grouped query.
fn totals(conn: &mut PgConnection, f: &Filter, board_id: Uuid) -> ApiResult<HashMap<Uuid, (i64, Vec<Money>)>> {
    // Grouping a boxed three-table join does not type-check in diesel; the filter goes in as a
    // semi-join instead.
    let rows: Vec<(Uuid, Option<String>, i64, Option<i64>)> = cards::table
        .filter(cards::board_id.eq(board_id))
        .filter(cards::id.eq_any(f.query(board_id).select(cards::id)))
        .group_by((cards::stage_id, cards::currency))
        .select((
            cards::stage_id,
            cards::currency,
            diesel::dsl::count_star(),
            sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>("sum(cards.amount_minor)::int8"),
        ))
        .load(conn)?;
    let mut out: HashMap<Uuid, (i64, Vec<Money>)> = HashMap::new();
    for (stage, currency, count, sum) in rows {
        let entry = out.entry(stage).or_default();
        entry.0 += count;
        if let (Some(currency), Some(sum)) = (currency, sum) {
            entry.1.push(Money::from_minor(sum, &currency));
        }
    }
    for (_, sums) in out.values_mut() {
        sums.sort_by(|a, b| a.currency.cmp(&b.currency));
    }
    Ok(out)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = board_history)]
struct HistoryRow {
    id: i64,
    card_id: Option<Uuid>,
    card_title: String,
    user_id: Option<Uuid>,
    actor_label: String,
    action: String,
    field: Option<String>,
    old_value: Option<serde_json::Value>,
    new_value: Option<serde_json::Value>,
    created_at: DateTime<Utc>,
}

impl HistoryRow {
    fn entry(self) -> HistoryEntry {
        HistoryEntry {
            id: self.id,
            card_id: self.card_id,
            card_title: self.card_title,
            user_id: self.user_id,
            actor_label: self.actor_label,
            action: self.action,
            field: self.field,
            old_value: self.old_value,
            new_value: self.new_value,
            created_at: self.created_at,
        }
    }
}

/// Each stage's first page (or one stage's next page) under `filter`, with counts and sums,
/// encoded as the answer's JSON.
pub fn cards(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    filter: &Filter,
    page: &StagePageParams,
    cursor: Option<&Cursor>,
) -> ApiResult<Vec<u8>> {
    super::sees_board(conn, caller, board_id)?;
    let mut stages = board_stages::table
        .filter(board_stages::board_id.eq(board_id))
        .order(board_stages::position)
        .select(board_stages::id)
        .into_boxed();
    if let Some(only) = page.stage_id {
        stages = stages.filter(board_stages::id.eq(only));
    }
    let stages: Vec<Uuid> = stages.load(conn)?;
    if page.stage_id.is_some() && stages.is_empty() {
        return Err(ApiError::field("stage_id", "unknown", "is not a stage of this board"));
    }
    let mut totals = totals(conn, filter, board_id)?;
    // The whole board at once in one statement; one stage's next page on its own.
    let mut found = match (page.stage_id, cursor) {
        (None, None) => board_pages::first_pages(conn, filter, board_id)?,
        _ => stages
            .iter()
            .map(|stage| Ok((*stage, board_pages::stage_page(conn, filter, board_id, *stage, cursor)?)))
            .collect::<ApiResult<Vec<_>>>()?,
    };
    let mut pages = Vec::with_capacity(stages.len());
    let mut rows = Vec::new();
    for stage in &stages {
        let (cards, next) =
            found.iter().position(|(s, _)| s == stage).map(|i| found.swap_remove(i).1).unwrap_or_default();
        pages.push((cards.len(), next));
        rows.extend(cards);
    }
    let mut views = super::views(conn, rows)?.into_iter();
    let stages = stages
        .into_iter()
        .zip(pages)
        .map(|(stage_id, (n, next_cursor))| {
            let (count, sums) = totals.remove(&stage_id).unwrap_or_default();
            StageCards { stage_id, count, sums, cards: views.by_ref().take(n).collect(), next_cursor }
        })
        .collect();
    crate::platform::http::respond::encode_json(&BoardCards { stages }, 16 * 1024)
}

/// A page of the board's history, newest first.
pub fn history(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    p: &HistoryParams,
    limit: i64,
) -> ApiResult<HistoryPage> {
    super::sees_board(conn, caller, board_id)?;
    let mut q = board_history::table.filter(board_history::board_id.eq(board_id)).into_boxed();
    if let Some(card) = p.card_id {
        q = q.filter(board_history::card_id.eq(card));
    }
    if let Some(user) = p.user_id {
        q = q.filter(board_history::user_id.eq(user));
    }
    if let Some(before) = p.before {
        q = q.filter(board_history::id.lt(before));
    }
    let mut rows: Vec<HistoryRow> =
        q.order(board_history::id.desc()).limit(limit + 1).select(HistoryRow::as_select()).load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let items: Vec<HistoryEntry> = rows.into_iter().map(HistoryRow::entry).collect();
    let next_before = items.last().filter(|_| more).map(|e| e.id);
    Ok(HistoryPage { items, next_before })
}

/// The caller's saved filters of the board and those shared on it, by name.
pub fn saved_filters(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<Vec<SavedFilterView>> {
    super::sees_board(conn, caller, board_id)?;
    let rows: Vec<(Uuid, String, String, bool, Uuid)> = saved_board_filters::table
        .filter(saved_board_filters::board_id.eq(board_id))
        .filter(saved_board_filters::user_id.eq(caller.user_id).or(saved_board_filters::shared))
        .order((saved_board_filters::name, saved_board_filters::id))
        .select((
            saved_board_filters::id,
            saved_board_filters::name,
            saved_board_filters::query,
            saved_board_filters::shared,
            saved_board_filters::user_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, query, shared, author)| SavedFilterView {
            id,
            name,
            query,
            shared,
            mine: author == caller.user_id,
        })
        .collect())
}

/// Saves the caller's filter `query` under `req.name` (409 when the name is taken).
pub fn save_filter(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    req: &CreateSavedFilterRequest,
    query: String,
) -> ApiResult<SavedFilterView> {
    super::sees_board(conn, caller, board_id)?;
    let id = Uuid::new_v4();
    let name = req.name.trim().to_string();
    diesel::insert_into(saved_board_filters::table)
        .values((
            saved_board_filters::id.eq(id),
            saved_board_filters::account_id.eq(caller.account_id),
            saved_board_filters::board_id.eq(board_id),
            saved_board_filters::user_id.eq(caller.user_id),
            saved_board_filters::name.eq(&name),
            saved_board_filters::query.eq(&query),
            saved_board_filters::shared.eq(req.shared),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|n| match n {
            0 => Err(ApiError::conflict_on("name", "You already have a filter with this name.")),
            _ => Ok(SavedFilterView { id, name, query, shared: req.shared, mine: true }),
        })
}

/// Removes one of the caller's saved filters, or (admins) a shared one; how many went.
pub fn delete_filter(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid, filter_id: Uuid) -> ApiResult<usize> {
    let mine = saved_board_filters::user_id.eq(caller.user_id);
    let of_board = saved_board_filters::table
        .filter(saved_board_filters::id.eq(filter_id))
        .filter(saved_board_filters::board_id.eq(board_id));
    Ok(if caller.is_admin() {
        diesel::delete(of_board.filter(mine.or(saved_board_filters::shared))).execute(conn)?
    } else {
        diesel::delete(of_board.filter(mine)).execute(conn)?
    })
}
