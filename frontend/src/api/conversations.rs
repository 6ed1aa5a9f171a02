//! The live-chat desk: lists, counts, a conversation and what operators do in it.

use domain::{
    ConversationDetail, ConversationList, ConversationSummary, ConversationTagRequest, DeskCounts, MessageView,
    OperatorRequest, SendMessageRequest,
};
use uuid::Uuid;

use super::ApiError;

/// A page of a desk view (`inbox`, `mine`, `all`) under `filters` (a query string).
pub async fn list(view: &str, filters: &str, cursor: Option<&str>) -> Result<ConversationList, ApiError> {
    let base = format!("/api/v1/conversations?view={view}&{filters}");
    match cursor {
        None => super::get(&base).await,
        Some(cursor) => super::get(&format!("{base}&cursor={cursor}")).await,
    }
}

pub async fn counts() -> Result<DeskCounts, ApiError> {
    super::get("/api/v1/conversations/counts").await
}

pub async fn get(id: Uuid) -> Result<ConversationDetail, ApiError> {
    super::get(&format!("/api/v1/conversations/{id}")).await
}

/// What an operator does with a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorAction {
    Accept,
    Ignore,
    Join,
    Close,
    Transfer,
    Invite,
    Block,
}

impl OperatorAction {
    fn path(self) -> &'static str {
        match self {
            OperatorAction::Accept => "accept",
            OperatorAction::Ignore => "ignore",
            OperatorAction::Join => "join",
            OperatorAction::Close => "close",
            OperatorAction::Transfer => "transfer",
            OperatorAction::Invite => "invite",
            OperatorAction::Block => "block",
        }
    }
}

/// Runs `action` (`transfer` and `invite` name the colleague in `body`).
pub async fn act(
    id: Uuid,
    action: OperatorAction,
    body: Option<&OperatorRequest>,
) -> Result<ConversationSummary, ApiError> {
    let path = format!("/api/v1/conversations/{id}/{}", action.path());
    match body {
        Some(body) => super::post(&path, body).await,
        None => super::post(&path, &()).await,
    }
}

/// Leaves the caller's Inbox for a while.
pub async fn ignore(id: Uuid) -> Result<(), ApiError> {
    super::post::<Option<serde_json::Value>>(&format!("/api/v1/conversations/{id}/ignore"), &()).await.map(|_| ())
}

pub async fn unblock(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/conversations/{id}/block")).await
}

pub async fn reply(id: Uuid, req: &SendMessageRequest) -> Result<MessageView, ApiError> {
    super::post(&format!("/api/v1/conversations/{id}/messages"), req).await
}

/// Tells the visitor an operator is typing.
pub async fn typing(id: Uuid) -> Result<(), ApiError> {
    super::post::<Option<serde_json::Value>>(&format!("/api/v1/conversations/{id}/typing"), &()).await.map(|_| ())
}

pub async fn add_tag(id: Uuid, tag: String) -> Result<ConversationSummary, ApiError> {
    super::post(&format!("/api/v1/conversations/{id}/tags"), &ConversationTagRequest { tag }).await
}

pub async fn remove_tag(id: Uuid, tag: &str) -> Result<ConversationSummary, ApiError> {
    let path = format!("/api/v1/conversations/{id}/tags/{}", super::encode(tag));
    super::call("DELETE", &path, None::<&()>).await
}
