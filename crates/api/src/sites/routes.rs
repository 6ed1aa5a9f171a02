//! Sites: the account's websites, each with a public key for widgets and forms.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{CreateSiteRequest, Problem, SiteList, SiteView, UpdateSiteRequest};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::auth::tokens::new_secret;
use crate::platform::db::schema::sites;
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub url: Option<String>,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub allowed_origins: Vec<String>,
}

impl SiteRow {
    pub fn new(account_id: Uuid, name: &str, url: Option<String>, allowed_origins: Vec<String>) -> SiteRow {
        let now = Utc::now();
        SiteRow {
            id: Uuid::new_v4(),
            account_id,
            name: name.trim().to_string(),
            url,
            public_key: new_public_key(),
            created_at: now,
            updated_at: now,
            allowed_origins,
        }
    }

    pub fn view(&self) -> SiteView {
        SiteView {
            id: self.id,
            name: self.name.clone(),
            url: self.url.clone(),
            public_key: self.public_key.clone(),
            allowed_origins: self.allowed_origins.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Public keys are not secrets (they sit in web pages), but they must not be guessable.
fn new_public_key() -> String {
    let (secret, _) = new_secret(domain::SITE_KEY_PREFIX);
    secret[..domain::SITE_KEY_PREFIX.len() + 24].to_string()
}

pub fn insert_site(conn: &mut PgConnection, row: &SiteRow) -> ApiResult<SiteRow> {
    Ok(diesel::insert_into(sites::table).values(row).returning(SiteRow::as_returning()).get_result(conn)?)
}

fn scoped(account_id: Uuid, id: Uuid) -> sites::BoxedQuery<'static, diesel::pg::Pg> {
    sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(id)).into_boxed()
}

/// The site with this public key, in whatever account owns it (for public ingestion).
pub fn find_by_public_key(conn: &mut PgConnection, public_key: &str) -> ApiResult<Option<SiteRow>> {
    Ok(sites::table.filter(sites::public_key.eq(public_key)).select(SiteRow::as_select()).first(conn).optional()?)
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
    let rows: Vec<SiteRow> = state
        .db
        .run(move |conn| {
            Ok(sites::table
                .filter(sites::account_id.eq(caller.account_id))
                .order((sites::created_at.asc(), sites::id.asc()))
                .select(SiteRow::as_select())
                .load(conn)?)
        })
        .await?;
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
    let created = state.db.run(move |conn| insert_site(conn, &row)).await?;
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
    let row: SiteRow =
        state.db.run(move |conn| Ok(scoped(caller.account_id, id).select(SiteRow::as_select()).first(conn)?)).await?;
    Ok(web::Json(row.view()))
}

#[derive(AsChangeset)]
#[diesel(table_name = sites)]
struct SiteChanges {
    name: Option<String>,
    url: Option<Option<String>>,
    allowed_origins: Option<Vec<String>>,
    updated_at: DateTime<Utc>,
}

/// Origins in the given order, each once.
fn dedup(origins: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(origins.len());
    for origin in origins {
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    out
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
    let changes = SiteChanges {
        name: body.name.map(|n| n.trim().to_string()),
        url: body.url,
        allowed_origins: body.allowed_origins.map(dedup),
        updated_at: Utc::now(),
    };
    let row: SiteRow = state
        .db
        .run(move |conn| {
            Ok(diesel::update(sites::table.filter(sites::account_id.eq(caller.account_id)).filter(sites::id.eq(id)))
                .set(&changes)
                .returning(SiteRow::as_returning())
                .get_result(conn)?)
        })
        .await?;
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
    let row: SiteRow = state
        .db
        .run(move |conn| {
            Ok(diesel::update(sites::table.filter(sites::account_id.eq(caller.account_id)).filter(sites::id.eq(id)))
                .set((sites::public_key.eq(new_public_key()), sites::updated_at.eq(Utc::now())))
                .returning(SiteRow::as_returning())
                .get_result(conn)?)
        })
        .await?;
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
    let deleted = state
        .db
        .run(move |conn| {
            Ok(diesel::delete(sites::table.filter(sites::account_id.eq(caller.account_id)).filter(sites::id.eq(id)))
                .execute(conn)?)
        })
        .await?;
    no_content_if_found(deleted)
}
