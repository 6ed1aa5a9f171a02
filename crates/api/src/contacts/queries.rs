//! Contact rows, the list filter, keyset pagination and the change log.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamptz, Uuid as SqlUuid};
use domain::{
    ActivityView, Channel, ContactFilter, ContactSort, ContactStatus, ContactSummary, ContactView, Location, NoteView,
    StatusCounts,
};
use serde_json::Value;
use uuid::Uuid;

use crate::platform::db::schema::{contact_activities, contact_notes, contacts};
use crate::platform::error::{unique_violation, ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

// `treat_none_as_default_value = false`: None is bound as NULL (every such column defaults to
// NULL anyway) instead of written as DEFAULT, so the INSERT text is the same for every lead
// and diesel can keep it prepared.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ContactRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub site_id: Option<Uuid>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_hours: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub first_contact_at: DateTime<Utc>,
    pub page_url: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub referrer: Option<String>,
    pub ip: Option<String>,
    pub channel: String,
    pub rating: Option<i16>,
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub custom_fields: Value,
    pub blocked: bool,
    pub notes_text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub location_from_ip: bool,
}

impl ContactRow {
    /// A new contact with only its identity and channel set.
    pub fn new(account_id: Uuid, channel: Channel) -> ContactRow {
        let now = Utc::now();
        ContactRow {
            id: Uuid::new_v4(),
            account_id,
            site_id: None,
            name: None,
            email: None,
            phone: None,
            contact_hours: None,
            city: None,
            region: None,
            country: None,
            first_contact_at: now,
            page_url: None,
            source: None,
            medium: None,
            campaign: None,
            referrer: None,
            ip: None,
            channel: channel.as_str().to_string(),
            rating: None,
            status: ContactStatus::ToContact.as_str().to_string(),
            assignee_id: None,
            tags: Vec::new(),
            custom_fields: Value::Object(Default::default()),
            blocked: false,
            notes_text: String::new(),
            created_at: now,
            updated_at: now,
            location_from_ip: false,
        }
    }

    pub fn view(&self) -> ContactView {
        self.clone().into_view()
    }

    /// The API view, reusing the row's strings (the list builds thousands of these).
    pub fn into_view(self) -> ContactView {
        ContactView {
            id: self.id,
            site_id: self.site_id,
            whatsapp_url: self.phone.as_deref().map(domain::whatsapp_link),
            name: self.name,
            email: self.email,
            phone: self.phone,
            contact_hours: self.contact_hours,
            location: Location { city: self.city, region: self.region, country: self.country },
            location_from_ip: self.location_from_ip,
            first_contact_at: self.first_contact_at,
            page_url: self.page_url,
            source: self.source,
            medium: self.medium,
            campaign: self.campaign,
            referrer: self.referrer,
            ip: self.ip,
            channel: Channel::parse(&self.channel).unwrap_or(Channel::Manual),
            rating: self.rating,
            status: ContactStatus::parse(&self.status).unwrap_or_default(),
            assignee_id: self.assignee_id,
            tags: self.tags,
            custom_fields: self.custom_fields,
            blocked: self.blocked,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The columns of a list row: a third of a full row, so a page costs the database, the
/// server and the browser less.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactSummaryRow {
    pub id: Uuid,
    pub site_id: Option<Uuid>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_contact_at: DateTime<Utc>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub channel: String,
    pub rating: Option<i16>,
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub blocked: bool,
}

impl ContactSummaryRow {
    pub fn into_summary(self) -> ContactSummary {
        ContactSummary {
            id: self.id,
            site_id: self.site_id,
            whatsapp_url: self.phone.as_deref().map(domain::whatsapp_link),
            name: self.name,
            email: self.email,
            phone: self.phone,
            first_contact_at: self.first_contact_at,
            source: self.source,
            medium: self.medium,
            channel: Channel::parse(&self.channel).unwrap_or(Channel::Manual),
            rating: self.rating,
            status: ContactStatus::parse(&self.status).unwrap_or_default(),
            assignee_id: self.assignee_id,
            tags: self.tags,
            blocked: self.blocked,
        }
    }
}

/// A unique-index violation names the e-mail or phone another contact already has.
pub fn dedup_conflict(err: diesel::result::Error) -> ApiError {
    match unique_violation(&err) {
        Some("contacts_account_phone_key") => ApiError::conflict_on("phone", "Another contact already has this phone."),
        Some("contacts_account_email_key") => {
            ApiError::conflict_on("email", "Another contact already has this e-mail.")
        }
        _ => ApiError::from(err),
    }
}

pub fn insert(conn: &mut PgConnection, row: &ContactRow) -> ApiResult<ContactRow> {
    diesel::insert_into(contacts::table)
        .values(row)
        .returning(ContactRow::as_returning())
        .get_result(conn)
        .map_err(dedup_conflict)
}

pub fn save(conn: &mut PgConnection, row: &ContactRow) -> ApiResult<ContactRow> {
    diesel::update(contacts::table.find(row.id))
        .set(row)
        .returning(ContactRow::as_returning())
        .get_result(conn)
        .map_err(dedup_conflict)
}

/// Contacts of the caller's account that the caller may see: agents only their own.
fn visible(caller: &AuthUser) -> contacts::BoxedQuery<'static, Pg> {
    let q = contacts::table.filter(contacts::account_id.eq(caller.account_id)).into_boxed();
    if caller.is_admin() {
        q
    } else {
        q.filter(contacts::assignee_id.eq(caller.user_id))
    }
}

/// Loads one visible contact and locks it for the rest of the transaction.
pub fn get_for_update(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ContactRow> {
    let row: ContactRow = contacts::table
        .filter(contacts::account_id.eq(caller.account_id))
        .filter(contacts::id.eq(id))
        .select(ContactRow::as_select())
        .for_update()
        .first(conn)?;
    if !caller.is_admin() && row.assignee_id != Some(caller.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

pub fn get(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ContactRow> {
    Ok(visible(caller).filter(contacts::id.eq(id)).select(ContactRow::as_select()).first(conn)?)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn like_pattern(q: &str) -> String {
    let mut escaped = String::with_capacity(q.len() + 2);
    escaped.push('%');
    for c in q.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// The filter without its status: shared by the list, the tab counts and the neighbours.
pub fn filtered(caller: &AuthUser, f: &ContactFilter) -> contacts::BoxedQuery<'static, Pg> {
    let mut q = visible(caller);
    if caller.is_admin() {
        if let Some(assignee) = f.assignee_id {
            q = q.filter(contacts::assignee_id.eq(assignee));
        }
        if f.unassigned == Some(true) {
            q = q.filter(contacts::assignee_id.is_null());
        }
    }
    if let Some(site) = f.site_id {
        q = q.filter(contacts::site_id.eq(site));
    }
    if let Some(tag) = f.tag.clone().filter(|t| !t.is_empty()) {
        q = q.filter(contacts::tags.contains(vec![tag]));
    }
    if let Some(source) = f.source.clone().filter(|s| !s.is_empty()) {
        q = q.filter(contacts::source.eq(source));
    }
    if let Some(medium) = f.medium.clone().filter(|s| !s.is_empty()) {
        q = q.filter(contacts::medium.eq(medium));
    }
    if let Some(channel) = f.channel {
        q = q.filter(contacts::channel.eq(channel.as_str()));
    }
    if let Some(rating) = f.rating {
        q = q.filter(contacts::rating.ge(rating));
    }
    if let Some(from) = f.from {
        q = q.filter(contacts::first_contact_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(contacts::first_contact_at.lt(to));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        // Same expression as the trigram index contacts_search_idx.
        q = q.filter(
            sql::<Bool>(
                "(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || notes_text) ILIKE ",
            )
            .bind::<Text, _>(like_pattern(text)),
        );
    }
    if let Some(wanted) = f.has_open_tasks {
        let open_tasks = "EXISTS (SELECT 1 FROM tasks t LEFT JOIN cards c ON c.id = t.card_id \
             WHERE t.done_at IS NULL AND (t.contact_id = contacts.id OR c.contact_id = contacts.id))";
        q = q.filter(sql::<Bool>(&format!("{}{open_tasks}", if wanted { "" } else { "NOT " })));
    }
    if let Some(wanted) = f.has_deals {
        let deals = "EXISTS (SELECT 1 FROM cards c WHERE c.contact_id = contacts.id \
             AND c.lost_at IS NULL AND c.archived_at IS NULL)";
        q = q.filter(sql::<Bool>(&format!("{}{deals}", if wanted { "" } else { "NOT " })));
    }
    q
}

fn with_status(
    q: contacts::BoxedQuery<'static, Pg>,
    status: Option<ContactStatus>,
) -> contacts::BoxedQuery<'static, Pg> {
    match status {
        Some(s) => q.filter(contacts::status.eq(s.as_str())),
        None => q,
    }
}

/// A position in the list: `<first_contact_at in µs>_<id>`.
pub fn encode_cursor((first_contact_at, id): (DateTime<Utc>, Uuid)) -> String {
    format!("{}_{}", first_contact_at.timestamp_micros(), id)
}

pub fn decode_cursor(cursor: &str) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = || ApiError::field("cursor", "invalid", "is not a cursor from a previous page");
    let (micros, id) = cursor.split_once('_').ok_or_else(invalid)?;
    let ts = micros.parse::<i64>().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(invalid)?;
    Ok((ts, id.parse().map_err(|_| invalid())?))
}

/// Rows strictly after `(ts, id)` in `sort` order (`forward`), or strictly before it.
fn after(
    q: contacts::BoxedQuery<'static, Pg>,
    sort: ContactSort,
    (ts, id): (DateTime<Utc>, Uuid),
    forward: bool,
) -> contacts::BoxedQuery<'static, Pg> {
    // Row comparison, so PostgreSQL walks the (…, first_contact_at, id) index.
    let descending = (sort == ContactSort::Newest) == forward;
    let op = if descending { "<" } else { ">" };
    let q = q.filter(
        sql::<Bool>("(first_contact_at, id) ")
            .sql(op)
            .sql(" (")
            .bind::<Timestamptz, _>(ts)
            .sql(", ")
            .bind::<SqlUuid, _>(id)
            .sql(")"),
    );
    if descending {
        q.order((contacts::first_contact_at.desc(), contacts::id.desc()))
    } else {
        q.order((contacts::first_contact_at.asc(), contacts::id.asc()))
    }
}

/// The filtered list from `cursor` on, in its sort order; the caller picks the columns.
pub(super) fn page_query(
    caller: &AuthUser,
    f: &ContactFilter,
    cursor: Option<&str>,
) -> ApiResult<contacts::BoxedQuery<'static, Pg>> {
    let sort = f.sort.unwrap_or_default();
    let q = with_status(filtered(caller, f), f.status);
    Ok(match cursor {
        Some(c) => after(q, sort, decode_cursor(c)?, true),
        None => match sort {
            ContactSort::Newest => q.order((contacts::first_contact_at.desc(), contacts::id.desc())),
            ContactSort::Oldest => q.order((contacts::first_contact_at.asc(), contacts::id.asc())),
        },
    })
}

/// Cuts the extra row loaded past the page; the cursor of the last kept row when it existed.
pub(super) fn split_page<R>(
    mut rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (DateTime<Utc>, Uuid),
) -> (Vec<R>, Option<String>) {
    if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        let next = rows.last().map(|r| encode_cursor(key(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

/// True when only the status and assignee narrow the list: the counters then answer.
fn counters_suffice(f: &ContactFilter) -> bool {
    let ContactFilter {
        status: _,
        site_id,
        assignee_id: _,
        unassigned: _,
        tag,
        source,
        medium,
        channel,
        rating,
        from,
        to,
        q,
        sort: _,
        has_open_tasks,
        has_deals,
    } = f;
    site_id.is_none()
        && has_open_tasks.is_none()
        && has_deals.is_none()
        && [tag, source, medium, q].iter().all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
        && channel.is_none()
        && rating.is_none()
        && from.is_none()
        && to.is_none()
}

/// Where a list's tab counts come from.
pub enum CountsSource {
    /// The trigger-kept counters (status and assignee filters only); `None`: all zero.
    Counters(Option<super::counters::CountsQuery>),
    /// One pass over the filtered rows, one FILTERed count per tab.
    Rows(contacts::BoxedQuery<'static, Pg, (BigInt, BigInt, BigInt, BigInt)>),
}

pub fn counts_source(caller: &AuthUser, f: &ContactFilter) -> CountsSource {
    if counters_suffice(f) {
        return CountsSource::Counters(super::counters::tab_counts_query(caller, f));
    }
    let count =
        |status: ContactStatus| sql::<BigInt>(&format!("count(*) FILTER (WHERE status = '{}')", status.as_str()));
    CountsSource::Rows(filtered(caller, f).select((
        count(ContactStatus::ToContact),
        count(ContactStatus::InProgress),
        count(ContactStatus::Won),
        count(ContactStatus::Lost),
    )))
}

pub fn tabs((to_contact, in_progress, won, lost): (i64, i64, i64, i64)) -> StatusCounts {
    StatusCounts { to_contact, in_progress, won, lost }
}

/// The previous and next contacts around `row` in the filtered list.
pub fn neighbors(
    conn: &mut PgConnection,
    caller: &AuthUser,
    f: &ContactFilter,
    row: &ContactRow,
) -> ApiResult<(Option<Uuid>, Option<Uuid>)> {
    let sort = f.sort.unwrap_or_default();
    let here = (row.first_contact_at, row.id);
    let next = after(with_status(filtered(caller, f), f.status), sort, here, true)
        .select(contacts::id)
        .first::<Uuid>(conn)
        .optional()?;
    let prev = after(with_status(filtered(caller, f), f.status), sort, here, false)
        .select(contacts::id)
        .first::<Uuid>(conn)
        .optional()?;
    Ok((prev, next))
}

/// (position, total, total_is_capped) of `row` in the filtered list, counting up to
/// `NEIGHBOR_COUNT_CAP` rows on each side.
pub fn position(
    conn: &mut PgConnection,
    caller: &AuthUser,
    f: &ContactFilter,
    row: &ContactRow,
) -> ApiResult<(Option<i64>, i64, bool)> {
    let cap = domain::NEIGHBOR_COUNT_CAP;
    let sort = f.sort.unwrap_or_default();
    let here = (row.first_contact_at, row.id);
    let before = after(with_status(filtered(caller, f), f.status), sort, here, false)
        .select(contacts::id)
        .limit(cap + 1)
        .load::<Uuid>(conn)?
        .len() as i64;
    let total =
        with_status(filtered(caller, f), f.status).select(contacts::id).limit(cap + 1).load::<Uuid>(conn)?.len() as i64;
    let position = (before < cap).then_some(before + 1);
    Ok((position, total.min(cap), total > cap))
}

/// Who made a change, for the change log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Actor {
        Actor { user_id: None, label: label.to_string() }
    }

    /// An integration, named by its API key as every change log shows it.
    pub fn integration(key_name: &str) -> Actor {
        Actor::system(&format!("API key \"{key_name}\""))
    }

    /// The caller: a signed-in user labelled with their name, or an integration's API key.
    pub fn user(conn: &mut PgConnection, caller: &AuthUser) -> ApiResult<Actor> {
        if let Some(key) = &caller.integration {
            return Ok(Actor::integration(&key.key_name));
        }
        let name: String = crate::platform::db::schema::users::table
            .find(caller.user_id)
            .select(crate::platform::db::schema::users::name)
            .first(conn)
            .optional()?
            .unwrap_or_else(|| "deleted user".into());
        Ok(Actor { user_id: Some(caller.user_id), label: name })
    }
}

/// Appends change-log entries for one contact, and tells the account's webhooks.
pub fn log_changes(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
    actor: &Actor,
    changes: &[(&str, Option<Value>, Option<Value>)],
) -> ApiResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let row = |(field, old, new): &(&str, Option<Value>, Option<Value>)| {
        (
            contact_activities::account_id.eq(account_id),
            contact_activities::contact_id.eq(contact_id),
            contact_activities::actor_user_id.eq(actor.user_id),
            contact_activities::actor_label.eq(actor.label.clone()),
            contact_activities::field.eq(field.to_string()),
            contact_activities::old_value.eq(old.clone()),
            contact_activities::new_value.eq(new.clone()),
        )
    };
    // A multi-row INSERT is re-parsed each time; one row (every new lead) stays prepared.
    match changes {
        [one] => diesel::insert_into(contact_activities::table).values(row(one)).execute(conn)?,
        many => diesel::insert_into(contact_activities::table)
            .values(many.iter().map(row).collect::<Vec<_>>())
            .execute(conn)?,
    };
    super::hooks::announce(conn, account_id, contact_id, actor, changes)
}

/// Change-log entries of many contacts by one actor, `(contact, field, old, new)`, in order, with
/// as few statements as the bind limit allows (bulk imports).
pub fn log_many(
    conn: &mut PgConnection,
    account_id: Uuid,
    actor: &Actor,
    entries: &[(Uuid, &str, Option<Value>, Option<Value>)],
) -> ApiResult<()> {
    // Seven binds a row; PostgreSQL takes at most 65,535 in one statement.
    for chunk in entries.chunks(9000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(contact_id, field, old, new)| {
                (
                    contact_activities::account_id.eq(account_id),
                    contact_activities::contact_id.eq(*contact_id),
                    contact_activities::actor_user_id.eq(actor.user_id),
                    contact_activities::actor_label.eq(actor.label.as_str()),
                    contact_activities::field.eq(*field),
                    contact_activities::old_value.eq(old.as_ref()),
                    contact_activities::new_value.eq(new.as_ref()),
                )
            })
            .collect();
        diesel::insert_into(contact_activities::table).values(rows).execute(conn)?;
    }
    Ok(())
}

/// The field-by-field differences between two versions of a contact, for the change log.
/// The change log's lines from `old` to `new` (`domain::contact_rules::contact_changes`).
pub fn diff(old: &ContactRow, new: &ContactRow) -> Vec<domain::contact_rules::ContactChange> {
    domain::contact_rules::contact_changes(&old.view(), &new.view())
}

pub fn notes(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Vec<NoteView>> {
    let rows: Vec<(Uuid, Option<Uuid>, String, DateTime<Utc>)> = contact_notes::table
        .filter(contact_notes::contact_id.eq(contact_id))
        .order((contact_notes::created_at.desc(), contact_notes::id))
        .select((contact_notes::id, contact_notes::author_id, contact_notes::body, contact_notes::created_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, author_id, body, created_at)| NoteView { id, author_id, body, created_at }).collect())
}

pub fn activities(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Vec<ActivityView>> {
    type Row = (i64, String, Option<Value>, Option<Value>, Option<Uuid>, String, DateTime<Utc>);
    let rows: Vec<Row> = contact_activities::table
        .filter(contact_activities::contact_id.eq(contact_id))
        .order(contact_activities::id.desc())
        .select((
            contact_activities::id,
            contact_activities::field,
            contact_activities::old_value,
            contact_activities::new_value,
            contact_activities::actor_user_id,
            contact_activities::actor_label,
            contact_activities::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, field, old_value, new_value, actor_user_id, actor_label, created_at)| ActivityView {
            id,
            field,
            old_value,
            new_value,
            actor_user_id,
            actor_label,
            created_at,
        })
        .collect())
}
