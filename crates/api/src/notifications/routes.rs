//! In-app notifications of the signed-in user.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{NotificationList, NotificationView, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::db::schema::notifications;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::events::{self, Audience};
use crate::platform::http::extract::AuthUser;
use crate::AppState;

/// Notifies `user_id` in-app, in the caller's transaction, and tells their open desk at once
/// (`notification.created`).
pub fn notify(
    conn: &mut PgConnection,
    account_id: Uuid,
    user_id: Uuid,
    kind: &str,
    title: &str,
    contact_id: Option<Uuid>,
) -> ApiResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(id),
            notifications::account_id.eq(account_id),
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::title.eq(title),
            notifications::contact_id.eq(contact_id),
        ))
        .execute(conn)?;
    events::record(
        conn,
        account_id,
        Audience::users([user_id]),
        events::EventData::NotificationCreated(domain::events::NotificationCreated {
            id,
            kind: kind.to_string(),
            title: title.to_string(),
            contact_id,
        }),
    )?;
    Ok(id)
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/notifications")
            .service(list_notifications)
            .service(read_all)
            .service(read_notification),
    );
}

/// The caller's notifications.
///
/// The latest 50, newest first, and how many are unread.
#[utoipa::path(
    tag = "notifications", operation_id = "list_notifications", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = NotificationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<NotificationList>> {
    type Row = (Uuid, String, String, Option<Uuid>, Option<DateTime<Utc>>, DateTime<Utc>);
    let (rows, unread, labels) = state
        .db
        .run(move |conn| {
            let mine = notifications::table
                .filter(notifications::account_id.eq(caller.account_id))
                .filter(notifications::user_id.eq(caller.user_id));
            let rows: Vec<Row> = mine
                .order(notifications::created_at.desc())
                .limit(50)
                .select((
                    notifications::id,
                    notifications::kind,
                    notifications::title,
                    notifications::contact_id,
                    notifications::read_at,
                    notifications::created_at,
                ))
                .load(conn)?;
            let unread: i64 = mine.filter(notifications::read_at.is_null()).count().get_result(conn)?;
            let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.3).collect();
            let labels: std::collections::HashMap<Uuid, String> = crate::platform::db::schema::contacts::table
                .filter(crate::platform::db::schema::contacts::account_id.eq(caller.account_id))
                .filter(crate::platform::db::schema::contacts::id.eq_any(&ids))
                .select((
                    crate::platform::db::schema::contacts::id,
                    crate::platform::db::schema::contacts::name,
                    crate::platform::db::schema::contacts::email,
                    crate::platform::db::schema::contacts::phone,
                ))
                .load::<(Uuid, Option<String>, Option<String>, Option<String>)>(conn)?
                .into_iter()
                .filter_map(|(id, name, email, phone)| Some((id, name.or(email).or(phone)?)))
                .collect();
            Ok((rows, unread, labels))
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(id, kind, title, contact_id, read_at, created_at)| NotificationView {
            id,
            kind,
            title,
            contact_label: contact_id.and_then(|c| labels.get(&c).cloned()),
            contact_id,
            read: read_at.is_some(),
            created_at,
        })
        .collect();
    Ok(web::Json(NotificationList { items, unread }))
}

/// Mark one notification read.
///
/// Only the caller's own notifications can be marked; others answer 404.
#[utoipa::path(
    tag = "notifications", operation_id = "read_notification", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 404, description = "Not one of the caller's notifications", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let updated = state
        .db
        .run(move |conn| {
            Ok(diesel::update(
                notifications::table
                    .filter(notifications::id.eq(id))
                    .filter(notifications::account_id.eq(caller.account_id))
                    .filter(notifications::user_id.eq(caller.user_id)),
            )
            .set(notifications::read_at.eq(Some(Utc::now())))
            .execute(conn)?)
        })
        .await?;
    no_content_if_found(updated)
}

/// Mark all notifications read.
///
/// Only the caller's own notifications change.
#[utoipa::path(
    tag = "notifications", operation_id = "read_all_notifications", security(("bearer" = [])),
    responses((status = 204, description = "All read"))
)]
#[post("/read-all")]
pub async fn read_all(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    state
        .db
        .run(move |conn| {
            diesel::update(
                notifications::table
                    .filter(notifications::account_id.eq(caller.account_id))
                    .filter(notifications::user_id.eq(caller.user_id))
                    .filter(notifications::read_at.is_null()),
            )
            .set(notifications::read_at.eq(Some(Utc::now())))
            .execute(conn)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
