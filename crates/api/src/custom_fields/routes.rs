//! Custom contact fields: admins define them; every write of contact values is checked.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    CreateCustomFieldRequest, CustomFieldKind, CustomFieldList, CustomFieldView, FieldError, Problem,
    UpdateCustomFieldRequest,
};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::db::schema::custom_field_definitions as defs;
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

type Row = (Uuid, String, String, String, Vec<String>, DateTime<Utc>);

/// The columns of a [`Row`].
const ROW: (defs::id, defs::key, defs::label, defs::kind, defs::options, defs::created_at) =
    (defs::id, defs::key, defs::label, defs::kind, defs::options, defs::created_at);

fn view((id, key, label, kind, options, created_at): Row) -> CustomFieldView {
    CustomFieldView {
        id,
        key,
        label,
        kind: CustomFieldKind::parse(&kind).unwrap_or(CustomFieldKind::Text),
        options,
        created_at,
    }
}

fn load(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<CustomFieldView>> {
    let rows: Vec<Row> = defs::table
        .filter(defs::account_id.eq(account_id))
        .order((defs::created_at.asc(), defs::id.asc()))
        .select(ROW)
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// 422 naming `custom_fields.<key>` for each value that is not a defined field of the
/// account or does not fit its kind.
/// `public` callers (a site key) are not told the account's options in the messages.
pub fn check_values(conn: &mut PgConnection, account_id: Uuid, values: &Value, public: bool) -> ApiResult<()> {
    let Some(map) = values.as_object() else {
        return Err(ApiError::field("custom_fields", "type", "must be an object"));
    };
    if map.is_empty() {
        return Ok(());
    }
    let defined = load(conn, account_id)?;
    let problems: Vec<FieldError> = map
        .iter()
        .filter_map(|(key, value)| {
            let field = format!("custom_fields.{key}");
            match defined.iter().find(|d| &d.key == key) {
                None => Some(FieldError::new(field, "unknown", "is not a custom field of this account")),
                Some(d) => domain::check_custom_value(d.kind, &d.options, value).err().map(|m| {
                    let m =
                        if public && d.kind == CustomFieldKind::Select { "is not an accepted value".into() } else { m };
                    FieldError::new(field, "invalid", m)
                }),
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
}

/// List the account's custom contact fields.
///
/// Definitions in creation order; contacts keep their values under each field's `key`.
#[utoipa::path(
    tag = "custom-fields", operation_id = "list_custom_fields", security(("bearer" = [])),
    responses((status = 200, description = "Oldest first", body = CustomFieldList))
)]
#[get("")]
pub async fn list_custom_fields(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<CustomFieldList>> {
    let items = state.db.run(move |conn| load(conn, caller.account_id)).await?;
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
    if body.kind == CustomFieldKind::Select && options.is_empty() {
        return Err(ApiError::field("options", "required", "a select field needs options"));
    }
    let row: Row = state
        .db
        .run(move |conn| {
            diesel::insert_into(defs::table)
                .values((
                    defs::id.eq(Uuid::new_v4()),
                    defs::account_id.eq(caller.account_id),
                    defs::key.eq(&body.key),
                    defs::label.eq(body.label.trim()),
                    defs::kind.eq(body.kind.as_str()),
                    defs::options.eq(&options),
                ))
                .returning(ROW)
                .get_result(conn)
                .map_err(|e| match ApiError::from(e) {
                    ApiError::Conflict(..) => ApiError::conflict_on("key", "A custom field with this key exists."),
                    other => other,
                })
        })
        .await?;
    Ok(HttpResponse::Created().json(view(row)))
}

/// Options trimmed, blanks and repeats dropped, in the given order.
pub(crate) fn clean_options(options: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(options.len());
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        if !out.iter().any(|o| o == option) {
            out.push(option.to_string());
        }
    }
    out
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
    let row: Row = state
        .db
        .transaction(move |conn| {
            let mine = defs::table.filter(defs::account_id.eq(caller.account_id)).filter(defs::id.eq(id));
            let kind: String = mine.select(defs::kind).for_update().first(conn)?;
            if let Some(options) = &options {
                if kind != CustomFieldKind::Select.as_str() {
                    return Err(ApiError::field("options", "not_select", "only a select field has options"));
                }
                if options.is_empty() {
                    return Err(ApiError::field("options", "required", "a select field needs options"));
                }
                diesel::update(mine).set(defs::options.eq(options)).execute(conn)?;
            }
            if let Some(label) = &label {
                diesel::update(mine).set(defs::label.eq(label)).execute(conn)?;
            }
            Ok(mine.select(ROW).first(conn)?)
        })
        .await?;
    Ok(web::Json(view(row)))
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
    let deleted = state
        .db
        .run(move |conn| {
            Ok(diesel::delete(defs::table.filter(defs::account_id.eq(caller.account_id)).filter(defs::id.eq(id)))
                .execute(conn)?)
        })
        .await?;
    no_content_if_found(deleted)
}
