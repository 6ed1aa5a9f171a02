//! A board's custom fields. Admins define them; everyone who sees the board reads them. Card
//! values are checked here, for cards and for the base card's defaults.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    BoardFieldKind, BoardFieldList, BoardFieldView, CreateBoardFieldRequest, FieldError, Problem,
    UpdateCustomFieldRequest,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{lock_board, visible};
use crate::platform::db::schema::{board_fields as fields, boards, users};
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;
use domain::clean_options;

type FieldRow = (Uuid, Uuid, String, String, String, Vec<String>, DateTime<Utc>);

const ROW: (
    fields::id,
    fields::board_id,
    fields::key,
    fields::label,
    fields::kind,
    fields::options,
    fields::created_at,
) = (fields::id, fields::board_id, fields::key, fields::label, fields::kind, fields::options, fields::created_at);

fn view((id, _, key, label, kind, options, created_at): FieldRow) -> BoardFieldView {
    BoardFieldView {
        id,
        key,
        label,
        kind: BoardFieldKind::parse(&kind).unwrap_or(BoardFieldKind::Text),
        options,
        created_at,
    }
}

/// The fields of each board, oldest first, as `(board_id, field)`.
pub fn definitions(conn: &mut PgConnection, board_ids: &[Uuid]) -> ApiResult<Vec<(Uuid, BoardFieldView)>> {
    let rows: Vec<FieldRow> = fields::table
        .filter(fields::board_id.eq_any(board_ids))
        .order((fields::created_at, fields::id))
        .select(ROW)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.1, view(r))).collect())
}

fn field_of(conn: &mut PgConnection, board_id: Uuid, id: Uuid) -> ApiResult<BoardFieldView> {
    let row: FieldRow =
        fields::table.filter(fields::board_id.eq(board_id)).filter(fields::id.eq(id)).select(ROW).first(conn)?;
    Ok(view(row))
}

/// 422 naming `custom_fields.<key>` for every value that is not a field of the board, does not
/// fit its kind, or names a user of another account or a contact the caller cannot see.
pub fn check_values(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    values: &Map<String, Value>,
) -> ApiResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let defined: Vec<BoardFieldView> = definitions(conn, &[board_id])?.into_iter().map(|(_, f)| f).collect();
    let mut problems = Vec::new();
    for (key, value) in values {
        let field = format!("custom_fields.{key}");
        let Some(def) = defined.iter().find(|d| &d.key == key) else {
            problems.push(FieldError::new(field, "unknown", "is not a custom field of this board"));
            continue;
        };
        if let Err(message) = domain::check_board_value(def.kind, &def.options, value) {
            problems.push(FieldError::new(field, "invalid", message));
            continue;
        }
        let id = value.as_str().and_then(|s| Uuid::parse_str(s).ok());
        let found = match (def.kind, id) {
            (BoardFieldKind::User, Some(id)) => {
                users::table
                    .filter(users::account_id.eq(caller.account_id))
                    .filter(users::id.eq(id))
                    .count()
                    .get_result::<i64>(conn)?
                    == 1
            }
            (BoardFieldKind::Contact, Some(id)) => crate::contacts::queries::get(conn, caller, id).is_ok(),
            _ => true,
        };
        if !found {
            let what =
                if def.kind == BoardFieldKind::User { "a user of this account" } else { "a contact you can see" };
            problems.push(FieldError::new(field, "unknown", format!("is not {what}")));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
}

/// A board's custom fields.
///
/// Oldest first; cards keep their values under each field's `key`.
#[utoipa::path(
    tag = "boards", operation_id = "list_board_fields", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "Fields", body = BoardFieldList),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/fields")]
pub async fn list_board_fields(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BoardFieldList>> {
    let board_id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            visible(&caller).filter(boards::id.eq(board_id)).select(boards::id).first::<Uuid>(conn)?;
            Ok(definitions(conn, &[board_id])?.into_iter().map(|(_, f)| f).collect())
        })
        .await?;
    Ok(web::Json(BoardFieldList { items }))
}

/// Define a custom field for a board's cards.
///
/// Kinds: text, number, money, date, select (with `options`), user, contact. The `key` and
/// `kind` are fixed once created. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "create_board_field", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateBoardFieldRequest,
    responses(
        (status = 201, description = "Defined", body = BoardFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The board has a field with this key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/fields")]
pub async fn create_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateBoardFieldRequest>,
) -> ApiResult<HttpResponse> {
    let (account_id, board_id, req) = (admin.0.account_id, id.into_inner(), body.0);
    let options = clean_options(&req.options);
    if req.kind == BoardFieldKind::Select && options.is_empty() {
        return Err(ApiError::field("options", "required", "a select field needs options"));
    }
    let field = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            let row: FieldRow = diesel::insert_into(fields::table)
                .values((
                    fields::id.eq(Uuid::new_v4()),
                    fields::account_id.eq(account_id),
                    fields::board_id.eq(board_id),
                    fields::key.eq(&req.key),
                    fields::label.eq(req.label.trim()),
                    fields::kind.eq(req.kind.as_str()),
                    fields::options.eq(&options),
                ))
                .returning(ROW)
                .get_result(conn)
                .map_err(|e| match ApiError::from(e) {
                    ApiError::Conflict(..) => ApiError::conflict_on("key", "This board has a field with this key."),
                    other => other,
                })?;
            Ok(view(row))
        })
        .await?;
    Ok(HttpResponse::Created().json(field))
}

/// Rename a board field or change a select's options.
///
/// The key and kind stay: cards keep their values under the key. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "update_board_field", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id"), ("field_id" = Uuid, Path, description = "Field id")),
    request_body = UpdateCustomFieldRequest,
    responses(
        (status = 200, description = "Changed", body = BoardFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or field in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or options for a field that is not a select", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/fields/{field_id}")]
pub async fn update_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateCustomFieldRequest>,
) -> ApiResult<web::Json<BoardFieldView>> {
    let (account_id, (board_id, field_id), req) = (admin.0.account_id, path.into_inner(), body.0);
    let label = req.label.as_deref().map(str::trim).map(str::to_owned);
    if label.as_deref() == Some("") {
        return Err(ApiError::field("label", "length", "must be 1 to 80 characters"));
    }
    let options = req.options.as_deref().map(clean_options);
    let field = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            let current = field_of(conn, board_id, field_id)?;
            let target = fields::table.find(field_id);
            if let Some(options) = &options {
                if current.kind != BoardFieldKind::Select {
                    return Err(ApiError::field("options", "not_select", "only a select field has options"));
                }
                if options.is_empty() {
                    return Err(ApiError::field("options", "required", "a select field needs options"));
                }
                diesel::update(target).set(fields::options.eq(options)).execute(conn)?;
            }
            if let Some(label) = &label {
                diesel::update(target).set(fields::label.eq(label)).execute(conn)?;
            }
            field_of(conn, board_id, field_id)
        })
        .await?;
    Ok(web::Json(field))
}

/// Delete a board field.
///
/// Its values go from every card of the board and from the base card. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "delete_board_field", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id"), ("field_id" = Uuid, Path, description = "Field id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or field in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/fields/{field_id}")]
pub async fn delete_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    use diesel::sql_types::{Text, Uuid as SqlUuid};
    let (account_id, (board_id, field_id)) = (admin.0.account_id, path.into_inner());
    let deleted = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            let Some(key) =
                diesel::delete(fields::table.filter(fields::board_id.eq(board_id)).filter(fields::id.eq(field_id)))
                    .returning(fields::key)
                    .get_result::<String>(conn)
                    .optional()?
            else {
                return Ok(0);
            };
            // Values only: a card's version and activity are about what people did to it.
            diesel::sql_query(
                "UPDATE cards SET custom_fields = custom_fields - $2 WHERE board_id = $1 AND custom_fields ? $2",
            )
            .bind::<SqlUuid, _>(board_id)
            .bind::<Text, _>(&key)
            .execute(conn)?;
            diesel::sql_query("UPDATE boards SET base_card = base_card #- ARRAY['custom_fields', $2] WHERE id = $1")
                .bind::<SqlUuid, _>(board_id)
                .bind::<Text, _>(&key)
                .execute(conn)?;
            Ok(1)
        })
        .await?;
    no_content_if_found(deleted)
}
