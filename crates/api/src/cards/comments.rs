//! Comments on a card: internal notes between the users working it.

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use domain::{BaseComment, CommentList, CommentView, CreateCommentRequest, Problem};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Change};
use crate::contacts::queries::Actor;
use crate::platform::db::schema::{card_comments, cards};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

type CommentRow = (Uuid, Option<Uuid>, String, String, chrono::DateTime<Utc>);

fn view((id, author_id, author_label, body, created_at): CommentRow) -> CommentView {
    CommentView { id, author_id, author_label, body, created_at }
}

const COLUMNS: (
    card_comments::id,
    card_comments::author_id,
    card_comments::author_label,
    card_comments::body,
    card_comments::created_at,
) = (
    card_comments::id,
    card_comments::author_id,
    card_comments::author_label,
    card_comments::body,
    card_comments::created_at,
);

/// A new card's comments from its board's base card, in order, under their authors' names.
pub fn append_base(
    conn: &mut PgConnection,
    account_id: Uuid,
    card_id: Uuid,
    comments: &[BaseComment],
) -> ApiResult<()> {
    if comments.is_empty() {
        return Ok(());
    }
    // One clock reading a microsecond apart each, so they list in the base card's order.
    let start = Utc::now();
    let rows: Vec<_> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                card_comments::id.eq(Uuid::new_v4()),
                card_comments::account_id.eq(account_id),
                card_comments::card_id.eq(card_id),
                card_comments::author_id.eq(c.author_id),
                card_comments::author_label.eq(c.author_label.clone().unwrap_or_default()),
                card_comments::body.eq(c.body.clone()),
                card_comments::created_at.eq(start + chrono::Duration::microseconds(i as i64)),
            )
        })
        .collect();
    diesel::insert_into(card_comments::table).values(rows).execute(conn)?;
    Ok(())
}

/// A card's comments.
///
/// Oldest first.
#[utoipa::path(
    tag = "cards", operation_id = "list_card_comments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Comments", body = CommentList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CommentList>> {
    let id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            queries::card_for(conn, &caller, id, false)?;
            let rows: Vec<CommentRow> = card_comments::table
                .filter(card_comments::card_id.eq(id))
                .order((card_comments::created_at, card_comments::id))
                .select(COLUMNS)
                .load(conn)?;
            Ok(rows.into_iter().map(view).collect())
        })
        .await?;
    Ok(web::Json(CommentList { items }))
}

/// Comment on a card.
///
/// Counts as activity on the card (it is no longer stale) without changing its version, so
/// nobody's edit in progress turns stale because of it.
#[utoipa::path(
    tag = "cards", operation_id = "add_card_comment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "Added", body = CommentView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.body.trim().to_string());
    let comment = state
        .db
        .transaction(move |conn| {
            let mut card = queries::card_for(conn, &caller, id, true)?;
            let actor = Actor::user(conn, &caller)?;
            let row: CommentRow = diesel::insert_into(card_comments::table)
                .values((
                    card_comments::id.eq(Uuid::new_v4()),
                    card_comments::account_id.eq(caller.account_id),
                    card_comments::card_id.eq(id),
                    card_comments::author_id.eq(caller.user_id),
                    card_comments::author_label.eq(&actor.label),
                    card_comments::body.eq(&text),
                ))
                .returning(COLUMNS)
                .get_result(conn)?;
            card.updated_at = Utc::now();
            diesel::update(cards::table.find(id)).set(cards::updated_at.eq(card.updated_at)).execute(conn)?;
            let preview: String = text.chars().take(200).collect();
            queries::record(
                conn,
                &caller,
                &card,
                crate::platform::events::EventData::CardUpdated,
                &[Change::with("commented", None, Some(json!(preview)))],
            )?;
            Ok(view(row))
        })
        .await?;
    Ok(HttpResponse::Created().json(comment))
}
