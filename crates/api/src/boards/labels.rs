//! A board's labels. Admins manage them; deleting one takes it off every card.

use actix_web::{delete, patch, post, web, HttpResponse};
use diesel::prelude::*;
use domain::{CreateLabelRequest, LabelView, Problem};
use uuid::Uuid;

use super::{colour, lock_board};
use crate::platform::db::schema::board_labels;
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

type LabelRow = (Uuid, String, String);

fn view((id, name, colour): LabelRow) -> LabelView {
    LabelView { id, name, colour }
}

fn label_of(conn: &mut PgConnection, board_id: Uuid, id: Uuid) -> ApiResult<LabelView> {
    Ok(view(
        board_labels::table
            .filter(board_labels::board_id.eq(board_id))
            .filter(board_labels::id.eq(id))
            .select((board_labels::id, board_labels::name, board_labels::colour))
            .first(conn)?,
    ))
}

/// Add a label.
///
/// Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "create_label", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateLabelRequest,
    responses(
        (status = 201, description = "Added", body = LabelView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/labels")]
pub async fn create_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateLabelRequest>,
) -> ApiResult<HttpResponse> {
    let (account_id, board_id, req) = (admin.0.account_id, id.into_inner(), body.0);
    let label = state
        .db
        .transaction(move |conn| {
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
        })
        .await?;
    Ok(HttpResponse::Created().json(label))
}

/// Change a label.
///
/// Admins only: its name and colour (both required, as on creation).
#[utoipa::path(
    tag = "boards", operation_id = "update_label", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id"), ("label_id" = Uuid, Path, description = "Label id")),
    request_body = CreateLabelRequest,
    responses(
        (status = 200, description = "Changed", body = LabelView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or label in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/labels/{label_id}")]
pub async fn update_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<CreateLabelRequest>,
) -> ApiResult<web::Json<LabelView>> {
    let (account_id, (board_id, label_id), req) = (admin.0.account_id, path.into_inner(), body.0);
    let label = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            label_of(conn, board_id, label_id)?;
            diesel::update(board_labels::table.find(label_id))
                .set((board_labels::name.eq(req.name.trim()), board_labels::colour.eq(colour(req.colour.as_deref()))))
                .execute(conn)?;
            label_of(conn, board_id, label_id)
        })
        .await?;
    Ok(web::Json(label))
}

/// Delete a label.
///
/// Admins only; cards lose it.
#[utoipa::path(
    tag = "boards", operation_id = "delete_label", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id"), ("label_id" = Uuid, Path, description = "Label id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or label in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/labels/{label_id}")]
pub async fn delete_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (account_id, (board_id, label_id)) = (admin.0.account_id, path.into_inner());
    let rows = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            Ok(diesel::delete(
                board_labels::table.filter(board_labels::board_id.eq(board_id)).filter(board_labels::id.eq(label_id)),
            )
            .execute(conn)?)
        })
        .await?;
    no_content_if_found(rows)
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
