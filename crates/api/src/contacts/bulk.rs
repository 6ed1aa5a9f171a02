//! Many clients at once: the ids matching a filter ("select all N"), and one endpoint per
//! action (assign, status, tags, delete) over at most 500 ids, one transaction each, every
//! client changed through the same path as one edit (checks, change log, webhooks). A larger
//! selection goes in chunks, the caller showing progress. Also: deleting one client, and the
//! account's audit where deletions leave their tombstone.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use domain::{
    AuditPage, BulkAssignRequest, BulkDeleteRequest, BulkResult, BulkStatusRequest, BulkTagsRequest, ContactFilter,
    ContactIdList, Problem, UpdateContactRequest, SELECTION_MAX_IDS,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{queries, removal, writes};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

/// The ids of every contact matching a filter.
///
/// For "select all N matching": the same filters as the list, in list order, at most 20,000
/// (`truncated` when more match). Agents get only their own contacts.
#[utoipa::path(
    tag = "contacts", operation_id = "contact_ids", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(ContactFilter),
    responses(
        (status = 200, description = "The matching ids", body = ContactIdList),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ids")]
pub async fn contact_ids(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ContactFilter>,
) -> ApiResult<web::Json<ContactIdList>> {
    let filter = filter.into_inner();
    validator::Validate::validate(&filter)?;
    let list = state
        .db
        .run(move |conn| {
            let mut ids: Vec<Uuid> = queries::page_query(&caller, &filter, None)?
                .select(crate::platform::db::schema::contacts::id)
                .limit(SELECTION_MAX_IDS as i64 + 1)
                .load(conn)?;
            let truncated = ids.len() > SELECTION_MAX_IDS;
            ids.truncate(SELECTION_MAX_IDS);
            Ok(ContactIdList { ids, truncated })
        })
        .await?;
    Ok(web::Json(list))
}

/// Each id's edit in id order (the lock order of docs/API.md), counted.
fn each(
    conn: &mut PgConnection,
    caller: &AuthUser,
    ids: &[Uuid],
    public_url: &str,
    mut edit: impl FnMut(&queries::ContactRow) -> UpdateContactRequest,
) -> ApiResult<BulkResult> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut result = BulkResult::default();
    for id in ids {
        let current = match queries::get_for_update(conn, caller, id) {
            Ok(row) => row,
            Err(ApiError::NotFound) => {
                result.not_found.push(id);
                continue;
            }
            Err(other) => return Err(other),
        };
        let change = edit(&current);
        validator::Validate::validate(&change)?;
        let saved = writes::update(conn, caller, id, change, public_url)?;
        if saved.updated_at == current.updated_at {
            result.unchanged += 1;
        } else {
            result.changed += 1;
        }
    }
    Ok(result)
}

/// Assign many contacts.
///
/// Admins only. Each contact is assigned (or unassigned with `null`) as one edit is: logged,
/// and the new assignee notified once per contact.
#[utoipa::path(
    tag = "contacts", operation_id = "bulk_assign_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    request_body = BulkAssignRequest,
    responses(
        (status = 200, description = "What was done", body = BulkResult),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids or more than 500, or an unknown or disabled user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulk/assign")]
pub async fn bulk_assign(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<BulkAssignRequest>,
) -> ApiResult<web::Json<BulkResult>> {
    let url = state.config.public_url.clone();
    let assignee = body.assignee_id;
    let done = state
        .db
        .transaction(move |conn| {
            each(conn, &caller, &body.ids, &url, |_| UpdateContactRequest {
                assignee_id: Some(assignee),
                ..Default::default()
            })
        })
        .await?;
    Ok(web::Json(done))
}

/// Set many contacts' status.
///
/// Agents may change only their own contacts; the others come back in `not_found`.
#[utoipa::path(
    tag = "contacts", operation_id = "bulk_status_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    request_body = BulkStatusRequest,
    responses(
        (status = 200, description = "What was done", body = BulkResult),
        (status = 422, description = "No ids or more than 500, or an unknown status", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulk/status")]
pub async fn bulk_status(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<BulkStatusRequest>,
) -> ApiResult<web::Json<BulkResult>> {
    let url = state.config.public_url.clone();
    let status = body.status;
    let done = state
        .db
        .transaction(move |conn| {
            each(conn, &caller, &body.ids, &url, |_| UpdateContactRequest {
                status: Some(status),
                ..Default::default()
            })
        })
        .await?;
    Ok(web::Json(done))
}

/// Add and remove tags on many contacts.
///
/// Agents may change only their own contacts. A contact left with more than 30 tags is
/// refused (422, nothing written).
#[utoipa::path(
    tag = "contacts", operation_id = "bulk_tag_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    request_body = BulkTagsRequest,
    responses(
        (status = 200, description = "What was done", body = BulkResult),
        (status = 422, description = "No ids or more than 500, no tag to add or remove, or too many tags", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulk/tags")]
pub async fn bulk_tags(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<BulkTagsRequest>,
) -> ApiResult<web::Json<BulkResult>> {
    if body.add.is_empty() && body.remove.is_empty() {
        return Err(ApiError::field("add", "required", "name a tag to add or to remove"));
    }
    let url = state.config.public_url.clone();
    let done = state
        .db
        .transaction(move |conn| {
            each(conn, &caller, &body.ids, &url, |row| {
                let tags = domain::tags_after(&row.tags, &body.add, &body.remove);
                UpdateContactRequest { tags: Some(tags), ..Default::default() }
            })
        })
        .await?;
    Ok(web::Json(done))
}

/// Delete many contacts for good.
///
/// Admins only. As `DELETE /contacts/{id}` for each: conversations, notes, tasks and history
/// go; cards stay without a client unless `delete_cards`; a tombstone per contact is kept in
/// the account's audit.
#[utoipa::path(
    tag = "contacts", operation_id = "bulk_delete_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    request_body = BulkDeleteRequest,
    responses(
        (status = 200, description = "What was done", body = BulkResult),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids or more than 500", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulk/delete")]
pub async fn bulk_delete(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<BulkDeleteRequest>,
) -> ApiResult<web::Json<BulkResult>> {
    let removed =
        state.db.transaction(move |conn| removal::delete_many(conn, &caller, &body.ids, body.delete_cards)).await?;
    state.storage.release(&state.db, removed.files).await;
    Ok(web::Json(BulkResult { changed: removed.deleted.len() as u32, unchanged: 0, not_found: removed.not_found }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteContactParams {
    /// Also delete the contact's cards on every board (default: they stay, without a client).
    pub delete_cards: Option<bool>,
}

/// Delete a contact for good.
///
/// Admins only; the way to honour an erasure request. Its conversations (with their
/// messages), notes, tasks and change log are deleted; its cards stay on their boards without
/// a client unless `delete_cards=true`. What stays is a tombstone in the account's audit (who,
/// when, how many of each; `GET /audit`) and a `contact.deleted` webhook event.
#[utoipa::path(
    tag = "contacts", operation_id = "delete_contact", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id"), DeleteContactParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact in the account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    params: web::Query<DeleteContactParams>,
) -> ApiResult<HttpResponse> {
    let (id, delete_cards) = (id.into_inner(), params.delete_cards.unwrap_or(false));
    let removed = state.db.transaction(move |conn| removal::delete_many(conn, &caller, &[id], delete_cards)).await?;
    if removed.deleted.is_empty() {
        return Err(ApiError::NotFound);
    }
    state.storage.release(&state.db, removed.files).await;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// `next_before` of the previous page.
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The account's audit.
///
/// Admins only. What stays of actions that removed data, newest first: for each contact
/// deleted, who deleted it, when, and how many conversations, notes, tasks and cards went or
/// lost their client. No personal data of the deleted contact is kept.
#[utoipa::path(
    tag = "contacts", operation_id = "list_audit", security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_audit(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    params: web::Query<AuditParams>,
) -> ApiResult<web::Json<AuditPage>> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "range", "must be 1 to 200"));
    }
    let before = params.before;
    if before.is_some_and(|b| b < 1) {
        return Err(ApiError::field("before", "range", "must be at least 1"));
    }
    let page = state.db.run(move |conn| crate::platform::audit::page(conn, caller.account_id, before, limit)).await?;
    Ok(web::Json(page))
}
