//! Tags, and blocking the visitor, on a connection.

use chrono::Utc;
use diesel::prelude::*;
use domain::{ConversationStatus, ConversationSummary};
use uuid::Uuid;

use super::actions::{close_row, conflict, summary};
use super::{announce, get_for_update, ConversationRow};
use crate::platform::db::schema::{blocked_addresses, conversations, visitors};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

pub(crate) fn set_tags(conn: &mut PgConnection, conv: &ConversationRow, tags: Vec<String>) -> ApiResult<()> {
    diesel::update(conversations::table.find(conv.id)).set(conversations::tags.eq(&tags)).execute(conn)?;
    announce(conn, conv, false, |conversation| {
        crate::platform::events::EventData::ConversationTagged(domain::events::ConversationTagged {
            conversation,
            tags,
        })
    })?;
    Ok(())
}

/// Tags conversation `id` (once; at most 30 tags).
pub fn add_tag(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, tag: String) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    if !conv.tags.contains(&tag) {
        if conv.tags.len() >= 30 {
            return Err(ApiError::field("tag", "too_many", "a conversation has at most 30 tags"));
        }
        let mut tags = conv.tags.clone();
        tags.push(tag);
        set_tags(conn, &conv, tags)?;
    }
    summary(conn, caller, id)
}

/// Takes a tag off conversation `id`.
pub fn remove_tag(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, tag: &str) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    if conv.tags.iter().any(|t| t == tag) {
        let tags = conv.tags.iter().filter(|t| **t != tag).cloned().collect();
        set_tags(conn, &conv, tags)?;
    }
    summary(conn, caller, id)
}

/// Blocks the visitor of conversation `id` and their address, closing it.
pub fn block(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    let Some(visitor) = conv.visitor_id else {
        return Err(conflict("Only a conversation from the chat widget has a visitor to block."));
    };
    if conv.status() == ConversationStatus::Active {
        super::require_operator(conn, caller, &conv, "block this visitor")?;
    }
    diesel::update(visitors::table.find(visitor)).set(visitors::blocked_at.eq(Utc::now())).execute(conn)?;
    if let Some(ip) = &conv.ip {
        diesel::insert_into(blocked_addresses::table)
            .values((
                blocked_addresses::account_id.eq(conv.account_id),
                blocked_addresses::ip.eq(ip),
                blocked_addresses::blocked_by.eq(caller.user_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    if conv.status() != ConversationStatus::Closed {
        close_row(conn, &conv)?;
    }
    summary(conn, caller, id)
}

/// Unblocks the visitor of conversation `id` and their address.
pub fn unblock(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    if let Some(visitor) = conv.visitor_id {
        diesel::update(visitors::table.find(visitor))
            .set(visitors::blocked_at.eq(None::<chrono::DateTime<Utc>>))
            .execute(conn)?;
    }
    if let Some(ip) = &conv.ip {
        diesel::delete(
            blocked_addresses::table
                .filter(blocked_addresses::account_id.eq(conv.account_id))
                .filter(blocked_addresses::ip.eq(ip)),
        )
        .execute(conn)?;
    }
    summary(conn, caller, id)
}
