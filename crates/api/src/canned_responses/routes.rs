//! Canned responses: account-level saved replies for the desk's reply box (`/shortcut`).
//! Every user reads them; admins add and remove them.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use domain::{CannedResponse, CannedResponseList, CreateCannedResponse, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::db::schema::canned_responses;
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/canned-responses")
            .service(list_canned_responses)
            .service(create_canned_response)
            .service(delete_canned_response),
    );
}

/// List canned responses.
///
/// By shortcut.
#[utoipa::path(
    tag = "conversations", operation_id = "list_canned_responses", security(("bearer" = [])),
    responses(
        (status = 200, description = "By shortcut", body = CannedResponseList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_canned_responses(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<CannedResponseList>> {
    let items = state
        .db
        .run(move |conn| {
            let rows: Vec<(Uuid, String, String)> = canned_responses::table
                .filter(canned_responses::account_id.eq(caller.account_id))
                .order(canned_responses::shortcut)
                .select((canned_responses::id, canned_responses::shortcut, canned_responses::body))
                .load(conn)?;
            Ok(rows.into_iter().map(|(id, shortcut, body)| CannedResponse { id, shortcut, body }).collect())
        })
        .await?;
    Ok(web::Json(CannedResponseList { items }))
}

/// Add a canned response.
///
/// Admins only; shortcuts are unique in the account.
#[utoipa::path(
    tag = "conversations", operation_id = "create_canned_response", security(("bearer" = [])),
    request_body = CreateCannedResponse,
    responses(
        (status = 201, description = "Added", body = CannedResponse),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The shortcut is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid shortcut or text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_canned_response(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: ValidJson<CreateCannedResponse>,
) -> ApiResult<HttpResponse> {
    let (caller, new) = (admin.0, body.0);
    let created = state
        .db
        .run(move |conn| {
            let id = Uuid::new_v4();
            diesel::insert_into(canned_responses::table)
                .values((
                    canned_responses::id.eq(id),
                    canned_responses::account_id.eq(caller.account_id),
                    canned_responses::shortcut.eq(&new.shortcut),
                    canned_responses::body.eq(&new.body),
                ))
                .execute(conn)
                .map_err(|err| match ApiError::from(err) {
                    ApiError::Conflict(..) => {
                        ApiError::conflict_on("shortcut", "Another canned response has this shortcut.")
                    }
                    other => other,
                })?;
            Ok(CannedResponse { id, shortcut: new.shortcut, body: new.body })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Remove a canned response.
///
/// Admins only.
#[utoipa::path(
    tag = "conversations", operation_id = "delete_canned_response", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Canned response id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such canned response in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_canned_response(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (caller, id) = (admin.0, id.into_inner());
    let rows = state
        .db
        .run(move |conn| {
            Ok(diesel::delete(
                canned_responses::table
                    .filter(canned_responses::account_id.eq(caller.account_id))
                    .filter(canned_responses::id.eq(id)),
            )
            .execute(conn)?)
        })
        .await?;
    no_content_if_found(rows)
}
