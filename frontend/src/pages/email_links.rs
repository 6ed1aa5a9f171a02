//! The pages that e-mailed links open: confirming a sign-up, accepting an invitation, and
//! "forgot password" (asking for the link, then choosing the new password).

use domain::i18n::Msg;
use domain::{AcceptInvitationRequest, PasswordResetConfirm, PasswordResetRequest, SignupConfirm};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{field_error, form_error};
use crate::api::{self, ApiError};
use crate::app::LangSwitch;
use crate::busy::Task;
use crate::i18n::use_i18n;

/// The `token` of the link that opened the page.
fn link_token() -> String {
    use_query_map().get_untracked().get("token").unwrap_or_default()
}

/// Said when the server refused the link's token (used, expired, revoked…).
fn token_error(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .and_then(|e| e.field("token"))
            .map(|_| view! { <p class="form-error" role="alert">{i18n.tr(Msg::LinkNoLongerWorks)}</p> })
    }
}

/// Frame shared by these pages: title, language switch, and a way back to the login page.
#[component]
fn LinkCard(title: Msg, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="auth-card" id="main">
            <div class="auth-head"><h1>{i18n.tr(title)}</h1><LangSwitch/></div>
            {children()}
            <p><a href="/login" rel="external">{i18n.tr(Msg::BackToLogin)}</a></p>
        </main>
    }
}

/// `/verify-email?token=…`: creates the account at once and signs its admin in.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let signed_in = super::auth::on_signed_in("/settings/sites", error);
    let confirm = Task::new(move |token: &String| {
        let body = SignupConfirm { token: token.clone() };
        let signed_in = signed_in.clone();
        async move { signed_in(api::auth::confirm_signup(&body).await) }
    });
    confirm.dispatch(link_token());
    view! {
        <LinkCard title=Msg::SignUp>
            <Show when=move || error.get().is_some() fallback=move || view! { <p role="status">{i18n.tr(Msg::ConfirmingEmail)}</p> }>
                {token_error(error)}
                {form_error(error)}
                <p><A href="/signup">{i18n.tr(Msg::NoAccount)}</A></p>
            </Show>
        </LinkCard>
    }
}

/// `/accept-invitation?token=…`: the invitee chooses a password and is signed in.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let signed_in = super::auth::on_signed_in("/clients", error);
    let accept = Task::new(move |_: &()| {
        let body = AcceptInvitationRequest { token: link_token(), password: password.get_untracked() };
        let signed_in = signed_in.clone();
        async move { signed_in(api::auth::accept_invitation(&body).await) }
    });
    view! {
        <LinkCard title=Msg::JoinTeam>
            <p>{i18n.tr(Msg::ChoosePassword)}</p>
            <form on:submit=move |ev| { ev.prevent_default(); error.set(None); accept.dispatch(()); }>
                <label>{i18n.tr(Msg::Password)}
                    <input type="password" name="password" autocomplete="new-password" required bind:value=password/></label>
                {field_error(error, "password")}
                {token_error(error)}
                {form_error(error)}
                <button type="submit" disabled=accept.pending()>{i18n.tr(Msg::Join)}</button>
            </form>
        </LinkCard>
    }
}

/// `/forgot-password`: asks for a reset link. The answer is the same for any address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let sent_to = RwSignal::new(None::<String>);
    let request = Task::new(move |_: &()| {
        let body = PasswordResetRequest { email: email.get_untracked() };
        async move {
            match api::auth::request_password_reset(&body).await {
                Ok(()) => sent_to.set(Some(email.get_untracked())),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <LinkCard title=Msg::ForgotPassword>
            <Show when=move || sent_to.get().is_some() fallback=move || view! {
                <p>{i18n.tr(Msg::ResetHelp)}</p>
                <form on:submit=move |ev| { ev.prevent_default(); error.set(None); request.dispatch(()); }>
                    <label>{i18n.tr(Msg::Email)}
                        <input type="email" name="email" autocomplete="username" required bind:value=email/></label>
                    {field_error(error, "email")}
                    {form_error(error)}
                    <button type="submit" disabled=request.pending()>{i18n.tr(Msg::SendResetLink)}</button>
                </form>
            }>
                <div class="notice" role="status">
                    <h2>{i18n.tr(Msg::CheckInbox)}</h2>
                    <p>{i18n.tr(Msg::ResetSent)} " " <strong>{move || sent_to.get().unwrap_or_default()}</strong></p>
                </div>
            </Show>
        </LinkCard>
    }
}

/// `/reset-password?token=…`: the new password; every session of the user ends.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let save = Task::new(move |_: &()| {
        let body = PasswordResetConfirm { token: link_token(), password: password.get_untracked() };
        async move {
            match api::auth::reset_password(&body).await {
                Ok(()) => done.set(true),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <LinkCard title=Msg::ResetPassword>
            <Show when=move || done.get() fallback=move || view! {
                <form on:submit=move |ev| { ev.prevent_default(); error.set(None); save.dispatch(()); }>
                    <label>{i18n.tr(Msg::NewPassword)}
                        <input type="password" name="password" autocomplete="new-password" required bind:value=password/></label>
                    {field_error(error, "password")}
                    {token_error(error)}
                    {form_error(error)}
                    <button type="submit" disabled=save.pending()>{i18n.tr(Msg::SavePassword)}</button>
                </form>
            }>
                <p class="notice" role="status">{i18n.tr(Msg::PasswordChanged)}</p>
            </Show>
        </LinkCard>
    }
}
