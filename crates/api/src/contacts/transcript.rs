//! Conversations and their messages, as attached to a contact.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::{Channel, ConversationView, MessageSender, MessageView, TranscriptMessage};
use uuid::Uuid;

use crate::platform::db::schema::{conversations, messages};
use crate::platform::error::ApiResult;

/// A stored message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub sender: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    pub author_id: Option<Uuid>,
    pub note: Option<serde_json::Value>,
}

impl MessageRow {
    pub fn into_view(self) -> MessageView {
        MessageView {
            id: self.id,
            sender: MessageSender::parse(&self.sender).unwrap_or(MessageSender::System),
            body: self.body,
            sent_at: self.sent_at,
            author_id: self.author_id,
            note: self.note,
        }
    }
}

/// Stores a transcript as a new conversation of `contact_id`; returns its id.
/// Messages without a time get the ingestion time, a microsecond apart to keep their order.
pub fn store(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
    site_id: Option<Uuid>,
    channel: Channel,
    transcript: &[TranscriptMessage],
) -> ApiResult<Uuid> {
    let now = Utc::now();
    let times: Vec<DateTime<Utc>> = transcript
        .iter()
        .enumerate()
        .map(|(i, m)| m.sent_at.unwrap_or(now + Duration::microseconds(i as i64)))
        .collect();
    let started_at = times.iter().min().copied().unwrap_or(now);
    let id = Uuid::new_v4();
    diesel::insert_into(conversations::table)
        .values((
            conversations::id.eq(id),
            conversations::account_id.eq(account_id),
            conversations::contact_id.eq(contact_id),
            conversations::site_id.eq(site_id),
            conversations::channel.eq(channel.as_str()),
            conversations::started_at.eq(started_at),
        ))
        .execute(conn)?;
    let rows: Vec<_> = transcript
        .iter()
        .zip(times)
        .enumerate()
        .map(|(i, (m, sent_at))| {
            (
                messages::id.eq(Uuid::new_v4()),
                messages::account_id.eq(account_id),
                messages::conversation_id.eq(id),
                messages::sender.eq(m.sender.as_str()),
                messages::body.eq(m.body.clone()),
                messages::sent_at.eq(sent_at),
                messages::position.eq(i as i32),
            )
        })
        .collect();
    diesel::insert_into(messages::table).values(rows).execute(conn)?;
    Ok(id)
}

/// Every conversation of a contact with its messages, oldest first.
pub fn for_contact(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Vec<ConversationView>> {
    let convs: Vec<(Uuid, String, Option<Uuid>, DateTime<Utc>)> = conversations::table
        .filter(conversations::contact_id.eq(contact_id))
        .order((conversations::started_at.asc(), conversations::id.asc()))
        .select((conversations::id, conversations::channel, conversations::site_id, conversations::started_at))
        .load(conn)?;
    let ids: Vec<Uuid> = convs.iter().map(|c| c.0).collect();
    let msgs: Vec<MessageRow> = messages::table
        .filter(messages::conversation_id.eq_any(&ids))
        .order((messages::conversation_id, messages::position))
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok(convs
        .into_iter()
        .map(|(id, channel, site_id, started_at)| ConversationView {
            id,
            channel: Channel::parse(&channel).unwrap_or(Channel::Chatbot),
            site_id,
            started_at,
            messages: msgs.iter().filter(|m| m.conversation_id == id).cloned().map(MessageRow::into_view).collect(),
        })
        .collect())
}

/// Moves every conversation of `from` to `to` (merging contacts).
pub fn reassign(conn: &mut PgConnection, from: Uuid, to: Uuid) -> ApiResult<usize> {
    Ok(diesel::update(conversations::table.filter(conversations::contact_id.eq(from)))
        .set(conversations::contact_id.eq(to))
        .execute(conn)?)
}
