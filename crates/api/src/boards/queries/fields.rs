//! A board's custom fields and the check of card values against them, on a connection.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use domain::{BoardFieldKind, BoardFieldView, CreateBoardFieldRequest, FieldError};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::super::{lock_board, visible};
use crate::platform::db::schema::{board_fields as fields, boards, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

pub(crate) type FieldRow = (Uuid, Uuid, String, String, String, Vec<String>, DateTime<Utc>);

pub(crate) const ROW: (
    fields::id,
    fields::board_id,
    fields::key,
    fields::label,
    fields::kind,
    fields::options,
    fields::created_at,
) = (fields::id, fields::board_id, fields::key, fields::label, fields::kind, fields::options, fields::created_at);

pub(crate) fn view((id, _, key, label, kind, options, created_at): FieldRow) -> BoardFieldView {
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

pub(crate) fn field_of(conn: &mut PgConnection, board_id: Uuid, id: Uuid) -> ApiResult<BoardFieldView> {
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
            let message = if def.kind == BoardFieldKind::User {
                "is not a user of this account"
            } else {
                "is not a contact you can see"
            };
            problems.push(FieldError::new(field, "unknown", message));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
}

/// The fields of a board the caller sees.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<Vec<BoardFieldView>> {
    visible(caller).filter(boards::id.eq(board_id)).select(boards::id).first::<Uuid>(conn)?;
    Ok(definitions(conn, &[board_id])?.into_iter().map(|(_, f)| f).collect())
}

/// Adds a field to a locked board (409 when the key is taken).
pub fn create(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    req: &CreateBoardFieldRequest,
    options: &[String],
) -> ApiResult<BoardFieldView> {
    lock_board(conn, account_id, board_id)?;
    let row: FieldRow = diesel::insert_into(fields::table)
        .values((
            fields::id.eq(Uuid::new_v4()),
            fields::account_id.eq(account_id),
            fields::board_id.eq(board_id),
            fields::key.eq(&req.key),
            fields::label.eq(req.label.trim()),
            fields::kind.eq(req.kind.as_str()),
            fields::options.eq(options),
        ))
        .returning(ROW)
        .get_result(conn)
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(..) => ApiError::conflict_on("key", "This board has a field with this key."),
            other => other,
        })?;
    Ok(view(row))
}

/// Renames a field and changes a select field's options.
pub fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    field_id: Uuid,
    label: Option<&str>,
    options: Option<&[String]>,
) -> ApiResult<BoardFieldView> {
    lock_board(conn, account_id, board_id)?;
    let current = field_of(conn, board_id, field_id)?;
    let target = fields::table.find(field_id);
    if let Some(options) = options {
        domain::check_options(current.kind == BoardFieldKind::Select, options)?;
        diesel::update(target).set(fields::options.eq(options)).execute(conn)?;
    }
    if let Some(label) = label {
        diesel::update(target).set(fields::label.eq(label)).execute(conn)?;
    }
    field_of(conn, board_id, field_id)
}

/// Removes a field and its values from the board's cards and base card; how many went.
pub fn delete(conn: &mut PgConnection, account_id: Uuid, board_id: Uuid, field_id: Uuid) -> ApiResult<usize> {
    lock_board(conn, account_id, board_id)?;
    let Some(key) = diesel::delete(fields::table.filter(fields::board_id.eq(board_id)).filter(fields::id.eq(field_id)))
        .returning(fields::key)
        .get_result::<String>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    // Values only: a card's version and activity are about what people did to it.
    diesel::sql_query("UPDATE cards SET custom_fields = custom_fields - $2 WHERE board_id = $1 AND custom_fields ? $2")
        .bind::<SqlUuid, _>(board_id)
        .bind::<Text, _>(&key)
        .execute(conn)?;
    diesel::sql_query("UPDATE boards SET base_card = base_card #- ARRAY['custom_fields', $2] WHERE id = $1")
        .bind::<SqlUuid, _>(board_id)
        .bind::<Text, _>(&key)
        .execute(conn)?;
    Ok(1)
}
