//! A card's checklist: items to tick off, in order. New cards get the base card's items.
//! Like comments, ticking counts as activity (the card is no longer stale) and goes to the
//! board history, without changing the card's version.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{ChecklistItemList, ChecklistItemView, CreateChecklistItemRequest, Problem, UpdateChecklistItemRequest};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, CardRow, Change};
use crate::platform::db::schema::{card_checklist_items as items, cards};
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

type ItemRow = (Uuid, String, Option<DateTime<Utc>>, Option<Uuid>, DateTime<Utc>);

const COLUMNS: (items::id, items::text, items::done_at, items::done_by, items::created_at) =
    (items::id, items::text, items::done_at, items::done_by, items::created_at);

fn view((id, text, done_at, done_by, created_at): ItemRow) -> ChecklistItemView {
    ChecklistItemView { id, text, done: done_at.is_some(), done_at, done_by, created_at }
}

/// Adds `texts` after the card's last item.
pub fn append(conn: &mut PgConnection, card_id: Uuid, texts: &[String]) -> ApiResult<Vec<ChecklistItemView>> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let last: Option<i32> =
        items::table.filter(items::card_id.eq(card_id)).select(diesel::dsl::max(items::position)).first(conn)?;
    let start = last.map_or(0, |p| p + 1);
    let rows: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                items::id.eq(Uuid::new_v4()),
                items::card_id.eq(card_id),
                items::position.eq(start + i as i32),
                items::text.eq(text.trim()),
            )
        })
        .collect();
    let added: Vec<ItemRow> = diesel::insert_into(items::table).values(rows).returning(COLUMNS).get_results(conn)?;
    Ok(added.into_iter().map(view).collect())
}

/// Marks the card as worked on now and writes `change` to the history.
fn touch(conn: &mut PgConnection, caller: &AuthUser, mut card: CardRow, change: Change) -> ApiResult<()> {
    card.updated_at = Utc::now();
    diesel::update(cards::table.find(card.id)).set(cards::updated_at.eq(card.updated_at)).execute(conn)?;
    queries::record(conn, caller, &card, crate::platform::events::EventData::CardUpdated, &[change])
}

/// A card's checklist.
///
/// In order, done or not.
#[utoipa::path(
    tag = "cards", operation_id = "list_checklist", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Items", body = ChecklistItemList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/checklist")]
pub async fn list_checklist(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChecklistItemList>> {
    let id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            queries::card_for(conn, &caller, id, false)?;
            let rows: Vec<ItemRow> = items::table
                .filter(items::card_id.eq(id))
                .order((items::position, items::id))
                .select(COLUMNS)
                .load(conn)?;
            Ok(rows.into_iter().map(view).collect())
        })
        .await?;
    Ok(web::Json(ChecklistItemList { items }))
}

/// Add a checklist item.
///
/// Last in the list.
#[utoipa::path(
    tag = "cards", operation_id = "add_checklist_item", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = CreateChecklistItemRequest,
    responses(
        (status = 201, description = "Added", body = ChecklistItemView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/checklist")]
pub async fn add_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateChecklistItemRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.text.trim().to_string());
    let item = state
        .db
        .transaction(move |conn| {
            let card = queries::card_for(conn, &caller, id, true)?;
            let item = append(conn, id, &[text])?.pop().ok_or(crate::platform::error::ApiError::NotFound)?;
            touch(conn, &caller, card, Change::field("checklist", None, Some(json!(item.text))))?;
            Ok(item)
        })
        .await?;
    Ok(HttpResponse::Created().json(item))
}

/// Tick, untick or reword a checklist item.
///
/// `done` records who ticked it and when.
#[utoipa::path(
    tag = "cards", operation_id = "update_checklist_item", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), ("item_id" = Uuid, Path, description = "Item id")),
    request_body = UpdateChecklistItemRequest,
    responses(
        (status = 200, description = "Changed", body = ChecklistItemView),
        (status = 404, description = "No such card or item visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/checklist/{item_id}")]
pub async fn update_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateChecklistItemRequest>,
) -> ApiResult<web::Json<ChecklistItemView>> {
    let ((id, item_id), req) = (path.into_inner(), body.0);
    let item = state
        .db
        .transaction(move |conn| {
            let card = queries::card_for(conn, &caller, id, true)?;
            let target = items::table.filter(items::card_id.eq(id)).filter(items::id.eq(item_id));
            let before = view(target.select(COLUMNS).first(conn)?);
            if let Some(text) = req.text.as_deref().map(str::trim).filter(|t| *t != before.text) {
                diesel::update(target).set(items::text.eq(text)).execute(conn)?;
                touch(
                    conn,
                    &caller,
                    card.clone(),
                    Change::field("checklist", Some(json!(before.text)), Some(json!(text))),
                )?;
            }
            if let Some(done) = req.done.filter(|d| *d != before.done) {
                let (at, by) = if done { (Some(Utc::now()), Some(caller.user_id)) } else { (None, None) };
                diesel::update(target).set((items::done_at.eq(at), items::done_by.eq(by))).execute(conn)?;
                let action = if done { "checked" } else { "unchecked" };
                touch(conn, &caller, card, Change::with(action, None, Some(json!(before.text))))?;
            }
            Ok(view(target.select(COLUMNS).first(conn)?))
        })
        .await?;
    Ok(web::Json(item))
}

/// Remove a checklist item.
///
/// Written to the board history.
#[utoipa::path(
    tag = "cards", operation_id = "delete_checklist_item", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), ("item_id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such card or item visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/checklist/{item_id}")]
pub async fn delete_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, item_id) = path.into_inner();
    let removed = state
        .db
        .transaction(move |conn| {
            let card = queries::card_for(conn, &caller, id, true)?;
            let text: Option<String> =
                diesel::delete(items::table.filter(items::card_id.eq(id)).filter(items::id.eq(item_id)))
                    .returning(items::text)
                    .get_result(conn)
                    .optional()?;
            match text {
                Some(text) => {
                    touch(conn, &caller, card, Change::field("checklist", Some(json!(text)), None))?;
                    Ok(1)
                }
                None => Ok(0),
            }
        })
        .await?;
    no_content_if_found(removed)
}
