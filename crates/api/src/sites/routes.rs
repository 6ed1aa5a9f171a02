//! The sites' handlers and their OpenAPI.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use domain::{CreateSiteRequest, Problem, SiteList, SiteView, UpdateSiteRequest};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::{self, dedup, SiteRow};
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/sites")
            .service(list_sites)
            .service(create_site)
            .service(get_site)
            .service(update_site)
            .service(delete_site)
            .service(rotate_site_key),
    );
}

/// List the account's sites.
///
/// Oldest first, each with its public key for the chat widget and web forms.
#[utoipa::path(
    tag = "sites", operation_id = "list_sites", security(("bearer" = [])),
    responses(
        (status = 200, description = "Sites, oldest first", body = SiteList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_sites(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<SiteList>> {
    let rows = state.db.run(move |conn| queries::list(conn, caller.account_id)).await?;
    Ok(web::Json(SiteList { items: rows.iter().map(SiteRow::view).collect() }))
}

/// Create a site.
///
/// Its public key is generated. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "create_site", security(("bearer" = [])),
    request_body = CreateSiteRequest,
    responses(
        (status = 201, description = "Created", body = SiteView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_site(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<CreateSiteRequest>,
) -> ApiResult<HttpResponse> {
    let row = SiteRow::new(caller.account_id, &body.name, body.url, dedup(body.allowed_origins));
    let created = state.db.run(move |conn| queries::insert_site(conn, &row)).await?;
    Ok(HttpResponse::Created().json(created.view()))
}

/// Get one site.
///
/// Any user of the account may read it.
#[utoipa::path(
    tag = "sites", operation_id = "get_site", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "The site", body = SiteView),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_site(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SiteView>> {
    let id = id.into_inner();
    let row = state.db.run(move |conn| queries::get(conn, caller.account_id, id)).await?;
    Ok(web::Json(row.view()))
}

/// Rename a site or change its URL.
///
/// A partial update: absent fields stay, `null` clears the URL. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_site", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = UpdateSiteRequest,
    responses(
        (status = 200, description = "Updated", body = SiteView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_site(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateSiteRequest>,
) -> ApiResult<web::Json<SiteView>> {
    let id = id.into_inner();
    let changes = queries::SiteChanges {
        name: body.name.map(|n| n.trim().to_string()),
        url: body.url,
        allowed_origins: body.allowed_origins.map(dedup),
        updated_at: Utc::now(),
    };
    let row = state.db.run(move |conn| queries::update(conn, caller.account_id, id, &changes)).await?;
    Ok(web::Json(row.view()))
}

/// Replace a site's public key.
///
/// For a key that was abused: the old key stops working at once, so widgets and forms must be
/// updated. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "rotate_site_key", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "The site with its new key", body = SiteView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/rotate-key")]
pub async fn rotate_site_key(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SiteView>> {
    let id = id.into_inner();
    let row = state.db.run(move |conn| queries::rotate_key(conn, caller.account_id, id)).await?;
    Ok(web::Json(row.view()))
}

/// Delete a site.
///
/// Contacts of the site stay, without a site. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "delete_site", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_site(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let deleted = state.db.run(move |conn| queries::delete(conn, caller.account_id, id)).await?;
    no_content_if_found(deleted)
}
