//! A board's labels, on a connection.

use diesel::prelude::*;
use domain::{CreateLabelRequest, LabelView};
use uuid::Uuid;

use super::super::{colour, lock_board};
use crate::platform::db::schema::board_labels;
use crate::platform::error::{ApiError, ApiResult};

pub(crate) type LabelRow = (Uuid, String, String);

pub(crate) fn view((id, name, colour): LabelRow) -> LabelView {
    LabelView { id, name, colour }
}

pub(crate) fn label_of(conn: &mut PgConnection, board_id: Uuid, id: Uuid) -> ApiResult<LabelView> {
    Ok(view(
        board_labels::table
            .filter(board_labels::board_id.eq(board_id))
            .filter(board_labels::id.eq(id))
            .select((board_labels::id, board_labels::name, board_labels::colour))
            .first(conn)?,
    ))
}

/// 422 naming `field` unless every id is a label of the board.
pub fn check_labels(conn: &mut PgConnection, board_id: Uuid, ids: &[Uuid], field: &str) -> ApiResult<Vec<Uuid>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let found: i64 = board_labels::table
        .filter(board_labels::board_id.eq(board_id))
        .filter(board_labels::id.eq_any(&ids))
        .count()
        .get_result(conn)?;
    if found != ids.len() as i64 {
        return Err(ApiError::field(field, "unknown", "must all be labels of this board"));
    }
    Ok(ids)
}

/// Adds a label to a locked board.
pub fn create(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    req: &CreateLabelRequest,
) -> ApiResult<LabelView> {
    lock_board(conn, account_id, board_id)?;
    let id = Uuid::new_v4();
    diesel::insert_into(board_labels::table)
        .values((
            board_labels::id.eq(id),
            board_labels::account_id.eq(account_id),
            board_labels::board_id.eq(board_id),
            board_labels::name.eq(req.name.trim()),
            board_labels::colour.eq(colour(req.colour.as_deref())),
        ))
        .execute(conn)?;
    label_of(conn, board_id, id)
}

/// Renames and recolours a label.
pub fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    label_id: Uuid,
    req: &CreateLabelRequest,
) -> ApiResult<LabelView> {
    lock_board(conn, account_id, board_id)?;
    label_of(conn, board_id, label_id)?;
    diesel::update(board_labels::table.find(label_id))
        .set((board_labels::name.eq(req.name.trim()), board_labels::colour.eq(colour(req.colour.as_deref()))))
        .execute(conn)?;
    label_of(conn, board_id, label_id)
}

/// Removes a label (off every card); how many went.
pub fn delete(conn: &mut PgConnection, account_id: Uuid, board_id: Uuid, label_id: Uuid) -> ApiResult<usize> {
    lock_board(conn, account_id, board_id)?;
    Ok(diesel::delete(
        board_labels::table.filter(board_labels::board_id.eq(board_id)).filter(board_labels::id.eq(label_id)),
    )
    .execute(conn)?)
}
