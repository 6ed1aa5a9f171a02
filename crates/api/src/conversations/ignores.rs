//! "Ignore" ends by itself: a background loop per instance tells each operator when a
//! conversation they ignored is back in their Inbox. `DELETE … RETURNING` hands each expiry
//! to exactly one instance.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::db::schema::{conversation_ignores, conversations};
use crate::platform::error::ApiResult;
use crate::platform::events::{self, Audience};

/// One pass: returns how many ignores ended.
pub fn expire(conn: &mut PgConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let ended: Vec<(Uuid, Uuid)> =
            diesel::delete(conversation_ignores::table.filter(conversation_ignores::until.le(Utc::now())))
                .returning((conversation_ignores::conversation_id, conversation_ignores::user_id))
                .get_results(conn)?;
        for (conversation_id, user_id) in &ended {
            let row: Option<(Uuid, String)> = conversations::table
                .find(conversation_id)
                .select((conversations::account_id, conversations::status))
                .first(conn)
                .optional()?;
            if let Some((account_id, _)) = row.filter(|(_, status)| status == "waiting") {
                events::record(
                    conn,
                    account_id,
                    Audience::users([*user_id]),
                    events::EventData::ConversationIgnoreExpired(domain::events::ConversationChanged {
                        conversation: domain::events::ConversationRef {
                            conversation_id: *conversation_id,
                            status: domain::ConversationStatus::Waiting,
                        },
                    }),
                )?;
            }
        }
        Ok(ended.len())
    })
}
