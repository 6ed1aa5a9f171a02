//! The custom fields' handlers and their OpenAPI.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::{
    check_options, clean_options, CreateCustomFieldRequest, CustomFieldKind, CustomFieldList, CustomFieldView, Problem,
    UpdateCustomFieldRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/custom-fields")
            .service(list_custom_fields)
            .service(create_custom_field)
            .service(update_custom_field)
            .service(delete_custom_field),
    );
}

/// List the account's custom contact fields.
///
/// Definitions in creation order; contacts keep their values under each field's `key`.
#[utoipa::path(
    tag = "custom-fields", operation_id = "list_custom_fields", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    responses((status = 200, description = "Oldest first", body = CustomFieldList))
)]
#[get("")]
pub async fn list_custom_fields(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<CustomFieldList>> {
    let items = state.db.run(move |conn| queries::list(conn, caller.account_id)).await?;
    Ok(web::Json(CustomFieldList { items }))
}

/// Define a custom contact field.
///
/// Its `key` and `kind` are fixed once created. Admins only.
#[utoipa::path(
    tag = "custom-fields", operation_id = "create_custom_field", security(("bearer" = [])),
    request_body = CreateCustomFieldRequest,
    responses(
        (status = 201, description = "Defined", body = CustomFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<CreateCustomFieldRequest>,
) -> ApiResult<HttpResponse> {
    let options = clean_options(&body.options);
    if body.kind == CustomFieldKind::Select {
        check_options(true, &options)?;
    }
    let field = state.db.run(move |conn| queries::insert(conn, caller.account_id, &body, &options)).await?;
    Ok(HttpResponse::Created().json(field))
}

/// Rename a custom field or change a select's options.
///
/// The key and kind cannot change, since contacts keep values under the key. Admins only.
#[utoipa::path(
    tag = "custom-fields", operation_id = "update_custom_field", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Custom field id")),
    request_body = UpdateCustomFieldRequest,
    responses(
        (status = 200, description = "Updated", body = CustomFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such field in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or options for a field that is not a select", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_custom_field(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateCustomFieldRequest>,
) -> ApiResult<web::Json<CustomFieldView>> {
    let id = id.into_inner();
    let label = body.label.as_deref().map(str::trim).map(str::to_owned);
    if label.as_deref() == Some("") {
        return Err(ApiError::field("label", "length", "must be 1 to 80 characters"));
    }
    let options = body.options.as_deref().map(clean_options);
    let field = state
        .db
        .transaction(move |conn| queries::update(conn, caller.account_id, id, label.as_deref(), options.as_deref()))
        .await?;
    Ok(web::Json(field))
}

/// Delete a custom field definition.
///
/// Values already stored on contacts stay until the contact is next edited. Admins only.
#[utoipa::path(
    tag = "custom-fields", operation_id = "delete_custom_field", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Custom field id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such field in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_custom_field(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let deleted = state.db.run(move |conn| queries::delete(conn, caller.account_id, id)).await?;
    no_content_if_found(deleted)
}
