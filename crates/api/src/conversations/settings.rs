//! A site's chat settings: the lead-capture bot's questions and the "ignore" time.
//! Served under `/sites/{id}/chat` (registered by `crate::sites`).

use actix_web::{get, put, web};
use diesel::prelude::*;
use domain::{BotQuestion, ChatSettings, Problem};
use uuid::Uuid;

use crate::platform::db::schema::{custom_field_definitions, sites};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

fn load(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<ChatSettings> {
    let (bot_enabled, questions, ignore_minutes): (bool, serde_json::Value, i32) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::chat_bot_enabled, sites::chat_bot_questions, sites::chat_ignore_minutes))
        .first(conn)?;
    Ok(ChatSettings {
        bot_enabled,
        bot_questions: serde_json::from_value(questions).unwrap_or_default(),
        ignore_minutes,
    })
}

/// A site's chat settings.
///
/// Whether its lead-capture bot is on, its questions in order, and how long "Ignore" hides
/// a conversation. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_chat_settings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Settings", body = ChatSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/chat")]
pub async fn get_chat_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChatSettings>> {
    let (account_id, id) = (admin.0.account_id, id.into_inner());
    Ok(web::Json(state.db.run(move |conn| load(conn, account_id, id)).await?))
}

/// Change a site's chat settings.
///
/// Each question's `field` is `name`, `email`, `phone` or the key of one of the account's
/// custom fields; no field twice. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_chat_settings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = ChatSettings,
    responses(
        (status = 200, description = "Saved", body = ChatSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown or repeated field, or a time out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/chat")]
pub async fn update_chat_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<ChatSettings>,
) -> ApiResult<web::Json<ChatSettings>> {
    let (account_id, id, settings) = (admin.0.account_id, id.into_inner(), body.0);
    let saved = state
        .db
        .transaction(move |conn| {
            load(conn, account_id, id)?;
            check_questions(conn, account_id, &settings.bot_questions)?;
            diesel::update(sites::table.find(id))
                .set((
                    sites::chat_bot_enabled.eq(settings.bot_enabled),
                    sites::chat_bot_questions.eq(serde_json::to_value(&settings.bot_questions).unwrap_or_default()),
                    sites::chat_ignore_minutes.eq(settings.ignore_minutes),
                ))
                .execute(conn)?;
            load(conn, account_id, id)
        })
        .await?;
    Ok(web::Json(saved))
}

fn check_questions(conn: &mut PgConnection, account_id: Uuid, questions: &[BotQuestion]) -> ApiResult<()> {
    let keys: Vec<String> = custom_field_definitions::table
        .filter(custom_field_definitions::account_id.eq(account_id))
        .select(custom_field_definitions::key)
        .load(conn)?;
    for (i, q) in questions.iter().enumerate() {
        let field = format!("bot_questions[{i}].field");
        if !matches!(q.field.as_str(), "name" | "email" | "phone") && !keys.contains(&q.field) {
            return Err(ApiError::field(&field, "unknown", "must be name, email, phone or a custom field's key"));
        }
        if questions[..i].iter().any(|other| other.field == q.field) {
            return Err(ApiError::field(&field, "duplicate", "is asked already"));
        }
    }
    Ok(())
}
