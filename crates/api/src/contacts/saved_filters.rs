//! Named client-list filters: a user's own, or shared with the whole account. The query is the
//! list's query string, checked against the list's filter when saved.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use domain::{ContactFilter, CreateSavedFilterRequest, Problem, SavedFilterList, SavedFilterView};
use uuid::Uuid;

use crate::platform::db::schema::saved_contact_filters as filters;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// Saved client filters.
///
/// The caller's own and those shared with the account, by name (`mine` says which the caller
/// saved); other users' private filters are theirs alone.
#[utoipa::path(
    tag = "contacts", operation_id = "list_contact_filters", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's and the shared filters, by name", body = SavedFilterList),
    )
)]
#[get("")]
pub async fn list_contact_filters(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<SavedFilterList>> {
    let items = state.db.run(move |conn| list(conn, &caller)).await?;
    Ok(web::Json(SavedFilterList { items }))
}

/// Save a client filter.
///
/// Under a name of the caller's own (a name the caller already used is a 409). `query` is the
/// client list's query string (`status=new&tag=vip`) and must be a valid list filter; `shared`
/// shows it to everyone in the account.
#[utoipa::path(
    tag = "contacts", operation_id = "save_contact_filter", security(("bearer" = [])),
    request_body = CreateSavedFilterRequest,
    responses(
        (status = 201, description = "Saved", body = SavedFilterView),
        (status = 409, description = "A filter of yours has this name already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name, or a query that is no client list filter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn save_contact_filter(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ValidJson<CreateSavedFilterRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let query = req.query.trim().trim_start_matches('?').to_string();
    let not_a_filter = || ApiError::field("query", "invalid", "is not a client list filter");
    let filter = web::Query::<ContactFilter>::from_query(&query).map_err(|_| not_a_filter())?.into_inner();
    validator::Validate::validate(&filter).map_err(|_| not_a_filter())?;
    let saved = state.db.run(move |conn| save(conn, &caller, &req, query)).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Delete a saved client filter.
///
/// The caller's own; admins also delete shared ones. Any other filter is a 404.
#[utoipa::path(
    tag = "contacts", operation_id = "delete_contact_filter", security(("bearer" = [])),
    params(("filter_id" = Uuid, Path, description = "Saved filter id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such filter the caller may delete", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{filter_id}")]
pub async fn delete_contact_filter(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter_id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let filter_id = filter_id.into_inner();
    let rows = state.db.run(move |conn| remove(conn, &caller, filter_id)).await?;
    crate::platform::error::no_content_if_found(rows)
}

fn list(conn: &mut PgConnection, caller: &AuthUser) -> ApiResult<Vec<SavedFilterView>> {
    let rows: Vec<(Uuid, String, String, bool, Uuid)> = filters::table
        .filter(filters::account_id.eq(caller.account_id))
        .filter(filters::user_id.eq(caller.user_id).or(filters::shared))
        .order((filters::name, filters::id))
        .select((filters::id, filters::name, filters::query, filters::shared, filters::user_id))
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

fn save(
    conn: &mut PgConnection,
    caller: &AuthUser,
    req: &CreateSavedFilterRequest,
    query: String,
) -> ApiResult<SavedFilterView> {
    let id = Uuid::new_v4();
    let name = req.name.trim().to_string();
    let inserted = diesel::insert_into(filters::table)
        .values((
            filters::id.eq(id),
            filters::account_id.eq(caller.account_id),
            filters::user_id.eq(caller.user_id),
            filters::name.eq(&name),
            filters::query.eq(&query),
            filters::shared.eq(req.shared),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    match inserted {
        0 => Err(ApiError::conflict_on("name", "You already have a filter with this name.")),
        _ => Ok(SavedFilterView { id, name, query, shared: req.shared, mine: true }),
    }
}

fn remove(conn: &mut PgConnection, caller: &AuthUser, filter_id: Uuid) -> ApiResult<usize> {
    let mine = filters::user_id.eq(caller.user_id);
    let in_account = filters::table.filter(filters::id.eq(filter_id)).filter(filters::account_id.eq(caller.account_id));
    Ok(if caller.is_admin() {
        diesel::delete(in_account.filter(mine.or(filters::shared))).execute(conn)?
    } else {
        diesel::delete(in_account.filter(mine)).execute(conn)?
    })
}
