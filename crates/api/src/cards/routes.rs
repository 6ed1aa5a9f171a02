//! Cards on a board: created in a stage, edited with `If-Match` against their version, moved
//! between stages (`actions`), commented on (`comments`), listed per stage under the board
//! view's filters (`board_view`).
//!
//! Agents work the cards of the boards shared with them; admins every board of the account.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use domain::card_patch::{apply_card_patch, CardFields};
use domain::{CardView, CreateCardRequest, DeleteCardParams, Money, Problem, UpdateCardRequest};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::db::schema::{card_attachments, card_labels, card_members, cards, contacts};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

pub mod actions;
pub mod attachments;
mod board_pages;
pub mod board_view;
pub mod checklist;
pub mod comments;
pub mod queries;
pub mod relations;

use queries::{CardRow, Change};

/// Card routes. Those under `/boards/{id}/…` are whole paths registered before the boards
/// scope, which would otherwise take every `/boards/…` request.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_card)
        .service(board_view::board_cards)
        .service(board_view::get_board_history)
        .service(board_view::list_saved_filters)
        .service(board_view::save_filter)
        .service(board_view::delete_saved_filter)
        .service(
            utoipa_actix_web::scope("/cards")
                .service(get_card)
                .service(update_card)
                .service(delete_card)
                .service(actions::move_card)
                .service(actions::archive)
                .service(actions::unarchive)
                .service(actions::lose)
                .service(actions::reopen)
                .service(actions::convert)
                .service(comments::list_comments)
                .service(comments::add_comment)
                .service(checklist::list_checklist)
                .service(checklist::add_checklist_item)
                .service(checklist::update_checklist_item)
                .service(checklist::delete_checklist_item)
                .service(attachments::upload_attachment)
                .service(attachments::list_attachments)
                .service(attachments::download_attachment)
                .service(attachments::delete_attachment)
                .service(relations::list_related)
                .service(relations::relate)
                .service(relations::unrelate),
        );
}

/// The card's version as an `ETag`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version an `If-Match` asks for (`None` without the header; `Some(None)` when it is not
/// a version of ours, which no card matches).
fn if_match(req: &HttpRequest) -> Option<Option<i32>> {
    let value = req.headers().get(header::IF_MATCH)?;
    let text = value.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    Some(text.trim_matches('"').parse().ok())
}

pub fn card_response(status: actix_web::http::StatusCode, card: &CardView) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(card.version))).json(card)
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn minor(value: &Option<Money>) -> (Option<i64>, Option<String>) {
    match value {
        Some(m) => (domain::money::to_minor(&m.amount, &m.currency).ok(), Some(m.currency.clone())),
        None => (None, None),
    }
}

/// A unique violation on (board, contact) from a racing create: the same 409 as the check.
fn contact_race(
    conn: &mut PgConnection,
    board_id: Uuid,
    contact_id: Option<Uuid>,
    e: diesel::result::Error,
) -> ApiError {
    use diesel::result::{DatabaseErrorKind, Error};
    if let (Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _), Some(contact)) = (&e, contact_id) {
        if let Ok((id, title)) = cards::table
            .filter(cards::board_id.eq(board_id))
            .filter(cards::contact_id.eq(contact))
            .select((cards::id, cards::title))
            .first::<(Uuid, String)>(conn)
        {
            return queries::contact_taken(id, &title);
        }
    }
    e.into()
}

/// Add a card.
///
/// In `stage_id`, last. Agents may add cards to the boards shared with them. A contact has at
/// most one card per board: a second is a 409 naming the existing card.
#[utoipa::path(
    tag = "cards", operation_id = "create_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateCardRequest,
    responses(
        (status = 201, description = "Added; `ETag` is its version", body = CardView),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact already has a card on this board", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a stage, label, member or contact not of this board or account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boards/{id}/cards")]
pub async fn create_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateCardRequest>,
) -> ApiResult<HttpResponse> {
    let (board_id, req) = (id.into_inner(), body.0);
    let card = state
        .db
        .transaction(move |conn| {
            queries::sees_board(conn, &caller, board_id)?;
            crate::platform::positions::lock_stage(conn, board_id, req.stage_id)
                .map_err(|_| ApiError::field("stage_id", "unknown", "is not a stage of this board"))?;
            let id = Uuid::new_v4();
            let base = crate::boards::base_card::base_card(conn, board_id)?;
            let labels = queries::check_labels(conn, board_id, &[req.label_ids, base.label_ids].concat(), "label_ids")?;
            let members = crate::users::queries::check_users(
                conn,
                caller.account_id,
                &[req.member_ids, base.member_ids].concat(),
                "member_ids",
            )?;
            if let Some(contact) = req.contact_id {
                queries::check_contact(conn, &caller, board_id, contact, id)?;
            }
            crate::boards::fields::check_values(conn, &caller, board_id, &req.custom_fields)?;
            let mut values = base.custom_fields;
            values.extend(req.custom_fields);
            values.retain(|_, v| !v.is_null());
            let description = trimmed(req.description).unwrap_or(base.description);
            let (amount_minor, currency) = minor(&req.value);
            let now = Utc::now();
            let row = CardRow {
                id,
                account_id: caller.account_id,
                board_id,
                stage_id: req.stage_id,
                position: crate::platform::positions::last_in_stage(conn, req.stage_id)?,
                title: req.title.trim().to_string(),
                description,
                contact_id: req.contact_id,
                amount_minor,
                currency,
                product: trimmed(req.product),
                version: 1,
                archived_at: None,
                lost_at: None,
                lost_reason: None,
                converted_to_client_at: None,
                converted_to_service_at: None,
                created_by: Some(caller.user_id),
                created_at: now,
                updated_at: now,
                custom_fields: serde_json::Value::Object(values),
            };
            diesel::insert_into(cards::table)
                .values(&row)
                .execute(conn)
                .map_err(|e| contact_race(conn, board_id, row.contact_id, e))?;
            queries::set_labels(conn, id, &labels)?;
            queries::set_members(conn, id, &members)?;
            checklist::append(conn, id, &base.checklist)?;
            comments::append_base(conn, caller.account_id, id, &base.comments)?;
            attachments::copy_base(conn, board_id, id)?;
            queries::record(
                conn,
                &caller,
                &row,
                crate::platform::events::EventData::CardCreated,
                &[Change::action("created")],
            )?;
            queries::view(conn, row)
        })
        .await?;
    Ok(card_response(actix_web::http::StatusCode::CREATED, &card))
}

/// Get a card.
///
/// With `ETag` (its version) for a later `If-Match`.
#[utoipa::path(
    tag = "cards", operation_id = "get_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "The card", body = CardView,
            headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_card(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let card = state
        .db
        .run(move |conn| {
            let row = queries::card_for(conn, &caller, id, false)?;
            queries::view(conn, row)
        })
        .await?;
    Ok(card_response(actix_web::http::StatusCode::OK, &card))
}

enum Edit {
    Saved(CardView),
    Stale(CardView),
}

/// Change a card.
///
/// Partial update. Send `If-Match` with the version you edited (the `ETag` of the card you
/// read): if someone changed the card since, nothing is written and the answer is 412 with the
/// current card. Without `If-Match` the change applies to whatever is there.
#[utoipa::path(
    tag = "cards", operation_id = "update_card", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Card id"),
        ("If-Match" = Option<String>, Header, description = "The card's version as read, e.g. `\"3\"`"),
    ),
    request_body = UpdateCardRequest,
    responses(
        (status = 200, description = "Changed; `ETag` is the new version", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact already has a card on this board", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The card changed since that version: the current card", body = CardView),
        (status = 422, description = "Invalid fields, or a label, member or contact not of this board or account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    request: HttpRequest,
    body: ValidJson<UpdateCardRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, expected) = (id.into_inner(), body.0, if_match(&request));
    let outcome = state
        .db
        .transaction(move |conn| {
            let old = queries::card_for(conn, &caller, id, true)?;
            if expected.is_some_and(|v| v != Some(old.version)) {
                return Ok(Edit::Stale(queries::view(conn, old)?));
            }
            let before = queries::view(conn, old.clone())?;
            // What needs the database: the contact, custom fields, labels and members exist
            // and may be used. Then the rules (`domain::card_patch`) say what changes.
            if let Some(Some(contact)) = req.contact_id.filter(|c| *c != old.contact_id) {
                queries::check_contact(conn, &caller, old.board_id, contact, id)?;
            }
            if let Some(values) = &req.custom_fields {
                crate::boards::fields::check_values(conn, &caller, old.board_id, values)?;
            }
            if let Some(ids) = &req.label_ids {
                crate::boards::labels::check_labels(conn, old.board_id, ids, "label_ids")?;
            }
            if let Some(ids) = &req.member_ids {
                crate::users::queries::check_users(conn, caller.account_id, ids, "member_ids")?;
            }
            let was = CardFields {
                title: old.title.clone(),
                description: old.description.clone(),
                contact_id: old.contact_id,
                value: old.value(),
                product: old.product.clone(),
                custom_fields: old.custom_fields.as_object().cloned().unwrap_or_default(),
                label_ids: sorted(&before.label_ids),
                member_ids: sorted(&before.member_ids),
            };
            let (now, field_changes) = apply_card_patch(&was, &req);
            let changes: Vec<Change> =
                field_changes.into_iter().map(|c| Change::owned_field(c.field, Some(c.old), Some(c.new))).collect();
            if changes.is_empty() {
                return Ok(Edit::Saved(before));
            }
            if now.label_ids != was.label_ids {
                queries::set_labels(conn, id, &now.label_ids)?;
            }
            if now.member_ids != was.member_ids {
                queries::set_members(conn, id, &now.member_ids)?;
            }
            let mut new = old.clone();
            (new.title, new.description, new.contact_id, new.product) =
                (now.title, now.description, now.contact_id, now.product);
            (new.amount_minor, new.currency) = minor(&now.value);
            new.custom_fields = Value::Object(now.custom_fields);
            new.version += 1;
            new.updated_at = Utc::now();
            diesel::update(cards::table.find(id))
                .set(&new)
                .execute(conn)
                .map_err(|e| contact_race(conn, old.board_id, new.contact_id, e))?;
            queries::record(conn, &caller, &new, crate::platform::events::EventData::CardUpdated, &changes)?;
            Ok(Edit::Saved(queries::view(conn, new)?))
        })
        .await?;
    Ok(match outcome {
        Edit::Saved(card) => card_response(actix_web::http::StatusCode::OK, &card),
        Edit::Stale(card) => card_response(actix_web::http::StatusCode::PRECONDITION_FAILED, &card),
    })
}

fn sorted(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

/// Delete a card.
///
/// With `delete_contact=true` its linked contact is deleted too (the contact's assignee or an
/// admin only: otherwise 403 and nothing is deleted); without, only the link goes. One
/// transaction either way. The board history keeps the card's entries.
#[utoipa::path(
    tag = "cards", operation_id = "delete_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), DeleteCardParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`delete_contact` for a contact the caller may not delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    params: web::Query<DeleteCardParams>,
) -> ApiResult<HttpResponse> {
    let (id, with_contact) = (id.into_inner(), params.delete_contact.unwrap_or(false));
    let files = state
        .db
        .transaction(move |conn| {
            // The lock order of docs/API.md: cards (in id order), then contacts, then tasks;
            // the account's event lock last. Deleting the contact also writes the other cards
            // linked to it (their link is cleared), so those are locked with this one, first.
            let seen = queries::card_for(conn, &caller, id, false)?;
            let contact = seen.contact_id.filter(|_| with_contact);
            let linked: Vec<Uuid> = contact.into_iter().collect();
            cards::table
                .filter(cards::account_id.eq(caller.account_id))
                .filter(cards::id.eq(id).or(cards::contact_id.eq_any(&linked)))
                .order(cards::id)
                .select(cards::id)
                .for_update()
                .load::<Uuid>(conn)?;
            // Read again under the lock (visibility was checked above).
            let card: queries::CardRow = cards::table.find(id).select(queries::CardRow::as_select()).first(conn)?;
            if card.contact_id.filter(|_| with_contact) != contact {
                return Err(ApiError::Unavailable("The card changed meanwhile; try again.".into()));
            }
            if let Some(contact) = contact {
                crate::contacts::queries::get_for_update(conn, &caller, contact).map_err(|err| match err {
                    ApiError::NotFound => ApiError::Forbidden("You may not delete this card's contact.".into()),
                    other => other,
                })?;
            }
            let files: Vec<String> = card_attachments::table
                .filter(card_attachments::card_id.eq(id))
                .select(card_attachments::storage_key)
                .load(conn)?;
            diesel::delete(card_labels::table.filter(card_labels::card_id.eq(id))).execute(conn)?;
            diesel::delete(card_members::table.filter(card_members::card_id.eq(id))).execute(conn)?;
            diesel::delete(cards::table.find(id)).execute(conn)?;
            if let Some(contact) = contact {
                diesel::delete(contacts::table.find(contact)).execute(conn)?;
            }
            // Last: it takes the account's event lock.
            queries::record(
                conn,
                &caller,
                &card,
                crate::platform::events::EventData::CardDeleted,
                &[Change::with("deleted", None, None)],
            )?;
            Ok(files)
        })
        .await?;
    // The rows went with the card; their files go once that is committed.
    state.storage.release(&state.db, files).await;
    Ok(HttpResponse::NoContent().finish())
}
