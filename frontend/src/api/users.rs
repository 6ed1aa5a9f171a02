//! Users of the account, invitations, and the caller's presence and alert settings.

use domain::{
    AlertsRequest, InvitationList, InvitationView, InviteUserRequest, Presence, PresenceRequest, UpdateUserRequest,
    UserList, UserView,
};
use uuid::Uuid;

use super::ApiError;

pub async fn list() -> Result<UserList, ApiError> {
    super::get("/api/v1/users").await
}

pub async fn update(id: Uuid, req: &UpdateUserRequest) -> Result<UserView, ApiError> {
    super::patch(&format!("/api/v1/users/{id}"), req).await
}

pub async fn delete(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/users/{id}")).await
}

pub async fn set_presence(presence: Presence) -> Result<UserView, ApiError> {
    super::call("PUT", "/api/v1/users/me/presence", Some(&PresenceRequest { presence })).await
}

pub async fn set_alerts(sound: bool) -> Result<UserView, ApiError> {
    super::call("PUT", "/api/v1/users/me/alerts", Some(&AlertsRequest { sound })).await
}

pub async fn invitations() -> Result<InvitationList, ApiError> {
    super::get("/api/v1/invitations").await
}

pub async fn invite(req: &InviteUserRequest) -> Result<InvitationView, ApiError> {
    super::post("/api/v1/invitations", req).await
}

pub async fn revoke_invitation(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/invitations/{id}")).await
}
