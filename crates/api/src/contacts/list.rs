//! The contact list's page and tab counts on the async read path (`crate::platform::db::reads`): the same
//! diesel queries as the synchronous helpers in `queries`, sent together on one connection
//! (pipelined) from the worker thread serving the request.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{ContactFilter, ContactPage, StatusCounts};
use futures_util::future::{BoxFuture, FutureExt, TryFutureExt};

use super::counters;
use super::queries::{self, ContactSummaryRow, CountsSource};
use crate::platform::db::reads::ReadConn;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;
use crate::platform::http::json_out::JsonOut;

/// One page of the list (`limit` rows from `cursor`) with the tab counts under the same filter.
pub async fn page(
    conn: &mut ReadConn,
    caller: &AuthUser,
    filter: &ContactFilter,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<ContactPage> {
    let rows_query = crate::platform::db::literal_limit(
        queries::page_query(caller, filter, cursor)?.select(ContactSummaryRow::as_select()),
        limit as u32 + 1,
    );
    // Through a shared reference both statements go out before either answer is read.
    let shared: &AsyncPgConnection = conn;
    let rows = rows_query.load::<ContactSummaryRow>(&mut &*shared);
    let counts: BoxFuture<'_, QueryResult<StatusCounts>> = match queries::counts_source(caller, filter) {
        CountsSource::Counters(Some(q)) => q.load::<(String, i64)>(&mut &*shared).map_ok(counters::fold).boxed(),
        CountsSource::Counters(None) => futures_util::future::ready(Ok(StatusCounts::default())).boxed(),
        CountsSource::Rows(q) => q.first::<(i64, i64, i64, i64)>(&mut &*shared).map_ok(queries::tabs).boxed(),
    };
    let loaded = futures_util::try_join!(rows, counts);
    let (rows, counts) = conn.check(loaded)?;
    let (rows, next_cursor) = queries::split_page(rows, limit, |r: &ContactSummaryRow| (r.first_contact_at, r.id));
    let items = rows.into_iter().map(ContactSummaryRow::into_summary).collect();
    Ok(ContactPage { items, next_cursor, counts })
}

/// The page as JSON: the bytes `serde_json` writes for [`ContactPage`], faster (`json_out`).
pub fn page_json(page: &ContactPage) -> Vec<u8> {
    let mut out = JsonOut::with_capacity(64 + 400 * page.items.len());
    out.raw("{\"items\":[");
    for (i, c) in page.items.iter().enumerate() {
        out.raw(if i == 0 { "{\"id\":" } else { ",{\"id\":" });
        out.uuid(&c.id);
        out.raw(",\"site_id\":");
        out.opt_uuid(c.site_id.as_ref());
        out.raw(",\"name\":");
        out.opt_str(c.name.as_deref());
        out.raw(",\"email\":");
        out.opt_str(c.email.as_deref());
        out.raw(",\"phone\":");
        out.opt_str(c.phone.as_deref());
        out.raw(",\"whatsapp_url\":");
        out.opt_str(c.whatsapp_url.as_deref());
        out.raw(",\"first_contact_at\":");
        out.utc(&c.first_contact_at);
        out.raw(",\"source\":");
        out.opt_str(c.source.as_deref());
        out.raw(",\"medium\":");
        out.opt_str(c.medium.as_deref());
        out.raw(",\"channel\":");
        out.str(c.channel.as_str());
        out.raw(",\"rating\":");
        out.opt_int(c.rating);
        out.raw(",\"status\":");
        out.str(c.status.as_str());
        out.raw(",\"assignee_id\":");
        out.opt_uuid(c.assignee_id.as_ref());
        out.raw(",\"tags\":");
        out.strs(&c.tags);
        out.raw(",\"blocked\":");
        out.bool(c.blocked);
        out.raw("}");
    }
    out.raw("],\"next_cursor\":");
    out.opt_str(page.next_cursor.as_deref());
    let counts = &page.counts;
    out.raw(",\"counts\":{\"to_contact\":");
    out.int(counts.to_contact);
    out.raw(",\"in_progress\":");
    out.int(counts.in_progress);
    out.raw(",\"won\":");
    out.int(counts.won);
    out.raw(",\"lost\":");
    out.int(counts.lost);
    out.raw("}}");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use domain::{Channel, ContactPage, ContactStatus, ContactSummary, StatusCounts};
    use uuid::Uuid;

    #[test]
    fn the_page_is_written_as_serde_json_writes_it() {
        let full = ContactSummary {
            id: Uuid::new_v4(),
            site_id: Some(Uuid::new_v4()),
            name: Some("Zoë \"Z\" O'Neil\\\n\u{1}".into()),
            email: Some("zoe@example.com".into()),
            phone: Some("+5511987654321".into()),
            whatsapp_url: Some("https://wa.me/5511987654321".into()),
            first_contact_at: Utc.with_ymd_and_hms(2026, 11, 27, 4, 5, 6).unwrap() + chrono::Duration::microseconds(7),
            source: Some("google".into()),
            medium: Some("cpc".into()),
            channel: Channel::LiveChat,
            rating: Some(-2),
            status: ContactStatus::InProgress,
            assignee_id: Some(Uuid::new_v4()),
            tags: vec!["vip".into(), "plano \"família\"".into()],
            blocked: true,
        };
        let empty = ContactSummary {
            id: Uuid::new_v4(),
            site_id: None,
            name: None,
            email: None,
            phone: None,
            whatsapp_url: None,
            first_contact_at: Utc.with_ymd_and_hms(1999, 1, 2, 3, 4, 5).unwrap(),
            source: None,
            medium: None,
            channel: Channel::Import,
            rating: None,
            status: ContactStatus::Lost,
            assignee_id: None,
            tags: vec![],
            blocked: false,
        };
        let counts = StatusCounts { to_contact: 1_000_000, in_progress: 0, won: 3, lost: 4 };
        for page in [
            ContactPage {
                items: vec![full.clone(), empty.clone()],
                next_cursor: Some("abc_-=".into()),
                counts: counts.clone(),
            },
            ContactPage { items: vec![empty], next_cursor: None, counts: counts.clone() },
            ContactPage { items: vec![], next_cursor: None, counts: StatusCounts::default() },
        ] {
            let expected = String::from_utf8(serde_json::to_vec(&page).unwrap()).unwrap();
            assert_eq!(String::from_utf8(super::page_json(&page)).unwrap(), expected);
        }
    }
}
