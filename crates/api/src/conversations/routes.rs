//! The desk's handlers (lists, counts, a conversation) and their OpenAPI; what operators do
//! is in `actions` and `moderation`.

use actix_web::{get, web, HttpRequest};
use domain::{ConversationDetail, ConversationList, ConversationQuery, DeskCounts, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::desk_lists;
use super::{actions, moderation, settings};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    // A site's chat settings: whole paths under `/sites`, so registered before sites' scope.
    cfg.service(settings::get_chat_settings).service(settings::update_chat_settings).service(
        utoipa_actix_web::scope("/conversations")
            .service(list_conversations)
            .service(desk_counts)
            .service(get_conversation)
            .service(actions::accept)
            .service(actions::ignore)
            .service(actions::reply)
            .service(actions::typing)
            .service(actions::close)
            .service(actions::join)
            .service(actions::transfer)
            .service(actions::invite)
            .service(moderation::add_tag)
            .service(moderation::remove_tag)
            .service(moderation::block)
            .service(moderation::unblock),
    );
}

/// The desk's lists.
///
/// `view=inbox`: conversations waiting for an operator, oldest first, except those the caller
/// ignored a moment ago. `view=mine`: open conversations the caller owns or was invited to,
/// latest activity first. `view=all`: closed conversations the caller may see, newest first,
/// with stats and totals; filter by site, operator, dates, tag, the contact's rating, and
/// words in the messages (`q`, PostgreSQL full-text in Portuguese and English).
#[utoipa::path(
    tag = "conversations", operation_id = "list_conversations", security(("bearer" = []), ("api_key" = ["conversations:read"])),
    params(ConversationQuery),
    responses(
        (status = 200, description = "One page", body = ConversationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ConversationQuery>,
) -> ApiResult<web::Json<ConversationList>> {
    let query = query.into_inner();
    validator::Validate::validate(&query)?;
    let list = state.db.run(move |conn| desk_lists::list(conn, &caller, &query)).await?;
    Ok(web::Json(list))
}

/// Get a conversation.
///
/// Its transcript and client, for the desk's conversation view.
#[utoipa::path(
    tag = "conversations", operation_id = "get_conversation", security(("bearer" = []), ("api_key" = ["conversations:read"])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let id = id.into_inner();
    let mut detail = state.db.run(move |conn| desk_lists::detail(conn, &caller, id)).await?;
    // System lines in the operator's language (stored in the visitor's).
    if let Some(lang) = crate::platform::http::extract::ui_lang(&req) {
        detail.messages.iter_mut().for_each(|m| m.localize(lang));
    }
    if detail.contact.as_ref().is_some_and(|c| c.location_from_ip) {
        detail.location_attribution = Some(state.config.geoip_attribution.clone());
    }
    Ok(web::Json(detail))
}

/// Counts for the navigation.
///
/// Conversations waiting in the caller's Inbox, and the caller's open conversations whose
/// last message is the visitor's plus the chats offered to them first (`awaiting_reply`).
#[utoipa::path(
    tag = "conversations", operation_id = "desk_counts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts", body = DeskCounts),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counts")]
pub async fn desk_counts(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<DeskCounts>> {
    let counts = state.db.run(move |conn| desk_lists::counts(conn, &caller)).await?;
    Ok(web::Json(counts))
}
