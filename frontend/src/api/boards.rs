//! Every board and card call the screens make, typed, in one place.

use domain::{
    BoardCards, BoardList, BoardView, CardView, CommentList, CommentView, ConvertTarget, CreateBoardRequest,
    CreateCardRequest, CreateCommentRequest, CreateLabelRequest, CreateStageRequest, HistoryPage, LabelView,
    MoveCardRequest, StageView, UpdateCardRequest,
};
use serde_json::json;
use uuid::Uuid;

use super::files::FilesAt;
use super::{self as api, ApiError, Edited};

pub async fn boards() -> Result<BoardList, ApiError> {
    api::get("/api/v1/boards").await
}

pub async fn board(id: Uuid) -> Result<BoardView, ApiError> {
    api::get(&format!("/api/v1/boards/{id}")).await
}

pub async fn create_board(req: &CreateBoardRequest) -> Result<BoardView, ApiError> {
    api::post("/api/v1/boards", req).await
}

pub async fn add_stage(board: Uuid, req: &CreateStageRequest) -> Result<StageView, ApiError> {
    api::post(&format!("/api/v1/boards/{board}/stages"), req).await
}

pub async fn add_label(board: Uuid, req: &CreateLabelRequest) -> Result<LabelView, ApiError> {
    api::post(&format!("/api/v1/boards/{board}/labels"), req).await
}

/// The board view; `query` is the filter's query string (see `filters::api_query`).
pub async fn cards(board: Uuid, query: &str) -> Result<BoardCards, ApiError> {
    api::get(&format!("/api/v1/boards/{board}/cards?{query}")).await
}

/// The next page of one stage.
pub async fn more_cards(board: Uuid, query: &str, stage: Uuid, cursor: &str) -> Result<BoardCards, ApiError> {
    let cursor = api::encode(cursor);
    api::get(&format!("/api/v1/boards/{board}/cards?{query}&stage_id={stage}&cursor={cursor}")).await
}

pub async fn create_card(board: Uuid, req: &CreateCardRequest) -> Result<CardView, ApiError> {
    api::post(&format!("/api/v1/boards/{board}/cards"), req).await
}

pub async fn card(id: Uuid) -> Result<CardView, ApiError> {
    api::get(&format!("/api/v1/cards/{id}")).await
}

pub async fn update_card(card: &CardView, req: &UpdateCardRequest) -> Result<Edited<CardView>, ApiError> {
    api::patch_if_match(&format!("/api/v1/cards/{}", card.id), card.version, req).await
}

pub async fn move_card(id: Uuid, stage: Uuid, after: Option<Uuid>) -> Result<CardView, ApiError> {
    api::post(&format!("/api/v1/cards/{id}/move"), &MoveCardRequest { stage_id: stage, after_id: after }).await
}

/// `archive`, `unarchive`, `reopen`.
pub async fn act(id: Uuid, verb: &str) -> Result<CardView, ApiError> {
    api::post(&format!("/api/v1/cards/{id}/{verb}"), &json!({})).await
}

pub async fn lose(id: Uuid, reason: &str) -> Result<CardView, ApiError> {
    api::post(&format!("/api/v1/cards/{id}/lose"), &json!({ "reason": reason })).await
}

pub async fn convert(id: Uuid, to: ConvertTarget) -> Result<CardView, ApiError> {
    api::post(&format!("/api/v1/cards/{id}/convert"), &json!({ "to": to })).await
}

pub async fn delete_card(id: Uuid, with_contact: bool) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/cards/{id}?delete_contact={with_contact}")).await
}

pub async fn comments(card: Uuid) -> Result<CommentList, ApiError> {
    api::get(&format!("/api/v1/cards/{card}/comments")).await
}

pub async fn add_comment(card: Uuid, body: String) -> Result<CommentView, ApiError> {
    api::post(&format!("/api/v1/cards/{card}/comments"), &CreateCommentRequest { body }).await
}

/// The board history, optionally of one card or one user, older than `before`.
pub async fn history(
    board: Uuid,
    card: Option<Uuid>,
    user: Option<Uuid>,
    before: Option<i64>,
) -> Result<HistoryPage, ApiError> {
    let mut query = vec!["limit=50".to_string()];
    query.extend(card.map(|c| format!("card_id={c}")));
    query.extend(user.map(|u| format!("user_id={u}")));
    query.extend(before.map(|b| format!("before={b}")));
    api::get(&format!("/api/v1/boards/{board}/history?{}", query.join("&"))).await
}

pub async fn add_field(board: Uuid, req: &domain::CreateBoardFieldRequest) -> Result<domain::BoardFieldView, ApiError> {
    api::post(&format!("/api/v1/boards/{board}/fields"), req).await
}

pub async fn delete_field(board: Uuid, field: Uuid) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/boards/{board}/fields/{field}")).await
}

pub async fn base_card(board: Uuid) -> Result<domain::BaseCard, ApiError> {
    api::get(&format!("/api/v1/boards/{board}/base-card")).await
}

pub async fn save_base_card(board: Uuid, base: &domain::BaseCard) -> Result<domain::BaseCard, ApiError> {
    api::call("PUT", &format!("/api/v1/boards/{board}/base-card"), Some(base)).await
}

pub async fn checklist(card: Uuid) -> Result<domain::ChecklistItemList, ApiError> {
    api::get(&format!("/api/v1/cards/{card}/checklist")).await
}

pub async fn add_checklist_item(card: Uuid, text: String) -> Result<domain::ChecklistItemView, ApiError> {
    api::post(&format!("/api/v1/cards/{card}/checklist"), &domain::CreateChecklistItemRequest { text }).await
}

pub async fn tick(card: Uuid, item: Uuid, done: bool) -> Result<domain::ChecklistItemView, ApiError> {
    let req = domain::UpdateChecklistItemRequest { text: None, done: Some(done) };
    api::patch(&format!("/api/v1/cards/{card}/checklist/{item}"), &req).await
}

pub async fn delete_checklist_item(card: Uuid, item: Uuid) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/cards/{card}/checklist/{item}")).await
}

/// Contacts the caller can see whose name, e-mail or phone matches `text` (a contact field's
/// choices).
pub async fn find_contacts(text: &str) -> Result<domain::ContactPage, ApiError> {
    let q = api::encode(text);
    api::get(&format!("/api/v1/contacts?q={q}&limit=10")).await
}

pub async fn contact(id: Uuid) -> Result<domain::ContactView, ApiError> {
    api::get(&format!("/api/v1/contacts/{id}")).await
}

pub async fn update_board(board: Uuid, req: &domain::UpdateBoardRequest) -> Result<BoardView, ApiError> {
    api::patch(&format!("/api/v1/boards/{board}"), req).await
}

pub async fn delete_board(board: Uuid) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/boards/{board}")).await
}

pub async fn update_stage(board: Uuid, stage: Uuid, req: &domain::UpdateStageRequest) -> Result<StageView, ApiError> {
    api::patch(&format!("/api/v1/boards/{board}/stages/{stage}"), req).await
}

/// Puts `stage` right after `after` (first when `None`).
pub async fn move_stage(board: Uuid, stage: Uuid, after: Option<Uuid>) -> Result<BoardView, ApiError> {
    api::post(&format!("/api/v1/boards/{board}/stages/{stage}/move"), &domain::MoveStageRequest { after_id: after })
        .await
}

/// `move_to` takes the stage's cards; required when it holds any.
pub async fn delete_stage(board: Uuid, stage: Uuid, move_to: Option<Uuid>) -> Result<(), ApiError> {
    let query = move_to.map(|to| format!("?move_to={to}")).unwrap_or_default();
    api::delete(&format!("/api/v1/boards/{board}/stages/{stage}{query}")).await
}

pub async fn update_label(board: Uuid, label: Uuid, req: &CreateLabelRequest) -> Result<LabelView, ApiError> {
    api::patch(&format!("/api/v1/boards/{board}/labels/{label}"), req).await
}

pub async fn delete_label(board: Uuid, label: Uuid) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/boards/{board}/labels/{label}")).await
}

pub async fn related(card: Uuid) -> Result<domain::RelatedCardList, ApiError> {
    api::get(&format!("/api/v1/cards/{card}/related")).await
}

pub async fn relate(card: Uuid, other: Uuid) -> Result<domain::RelatedCardList, ApiError> {
    api::post(&format!("/api/v1/cards/{card}/related"), &domain::RelateCardRequest { card_id: other }).await
}

pub async fn unrelate(card: Uuid, other: Uuid) -> Result<(), ApiError> {
    api::delete(&format!("/api/v1/cards/{card}/related/{other}")).await
}

pub fn card_files(card: Uuid) -> FilesAt {
    FilesAt::new(format!("/api/v1/cards/{card}/attachments"))
}

pub fn base_card_files(board: Uuid) -> FilesAt {
    FilesAt::new(format!("/api/v1/boards/{board}/base-card/attachments"))
}
