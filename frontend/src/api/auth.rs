//! Signing up and the links sent by e-mail (no access token needed). Logging in is the login
//! page's own call (frontend/login.js).

use domain::{
    AcceptInvitationRequest, PasswordResetConfirm, PasswordResetRequest, SignupConfirm, SignupRequest, TokenResponse,
};

use super::ApiError;

pub async fn signup(req: &SignupRequest) -> Result<(), ApiError> {
    super::send_public("/api/v1/auth/signup", req).await
}

pub async fn confirm_signup(req: &SignupConfirm) -> Result<TokenResponse, ApiError> {
    super::sign_in("/api/v1/auth/signup/confirm", req).await
}

pub async fn accept_invitation(req: &AcceptInvitationRequest) -> Result<TokenResponse, ApiError> {
    super::sign_in("/api/v1/invitations/accept", req).await
}

pub async fn request_password_reset(req: &PasswordResetRequest) -> Result<(), ApiError> {
    super::send_public("/api/v1/auth/password-reset", req).await
}

pub async fn reset_password(req: &PasswordResetConfirm) -> Result<(), ApiError> {
    super::send_public("/api/v1/auth/password-reset/confirm", req).await
}
