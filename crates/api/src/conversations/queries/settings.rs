//! A site's chat settings, on a connection.

use diesel::prelude::*;
use domain::{BotQuestion, ChatSettings};
use uuid::Uuid;

use crate::platform::db::schema::{custom_field_definitions, sites};
use crate::platform::error::{ApiError, ApiResult};

pub(crate) fn load(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<ChatSettings> {
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

pub(crate) fn check_questions(conn: &mut PgConnection, account_id: Uuid, questions: &[BotQuestion]) -> ApiResult<()> {
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

/// Saves site `id`'s chat settings, its questions checked.
pub fn save(conn: &mut PgConnection, account_id: Uuid, id: Uuid, settings: &ChatSettings) -> ApiResult<ChatSettings> {
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
}
