//! Custom field definitions, always within one account, and the check of contact values
//! against them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{check_options, CreateCustomFieldRequest, CustomFieldKind, CustomFieldView, FieldError};
use serde_json::Value;
use uuid::Uuid;

use crate::platform::db::schema::custom_field_definitions as defs;
use crate::platform::error::{ApiError, ApiResult};

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

/// The account's fields, oldest first.
pub fn list(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<CustomFieldView>> {
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
    let defined = list(conn, account_id)?;
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

/// Adds a field; 409 naming `key` when the account has one with that key.
pub fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    new: &CreateCustomFieldRequest,
    options: &[String],
) -> ApiResult<CustomFieldView> {
    let row: Row = diesel::insert_into(defs::table)
        .values((
            defs::id.eq(Uuid::new_v4()),
            defs::account_id.eq(account_id),
            defs::key.eq(&new.key),
            defs::label.eq(new.label.trim()),
            defs::kind.eq(new.kind.as_str()),
            defs::options.eq(options),
        ))
        .returning(ROW)
        .get_result(conn)
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(..) => ApiError::conflict_on("key", "A custom field with this key exists."),
            other => other,
        })?;
    Ok(view(row))
}

/// Changes field `id`'s label and (a select field's) options, under a lock on its row.
pub fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    label: Option<&str>,
    options: Option<&[String]>,
) -> ApiResult<CustomFieldView> {
    let mine = defs::table.filter(defs::account_id.eq(account_id)).filter(defs::id.eq(id));
    let kind: String = mine.select(defs::kind).for_update().first(conn)?;
    if let Some(options) = options {
        check_options(kind == CustomFieldKind::Select.as_str(), options)?;
        diesel::update(mine).set(defs::options.eq(options)).execute(conn)?;
    }
    if let Some(label) = label {
        diesel::update(mine).set(defs::label.eq(label)).execute(conn)?;
    }
    Ok(view(mine.select(ROW).first(conn)?))
}

/// Removes field `id`; how many rows went (0: none of this account's).
pub fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(defs::table.filter(defs::account_id.eq(account_id)).filter(defs::id.eq(id))).execute(conn)?)
}
