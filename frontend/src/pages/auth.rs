//! Sign-up, and what every sign-in does with its answer. Sign-up only asks: the account is
//! created when the e-mailed link is opened (`email_links::VerifyEmailPage`). The login page
//! itself is not part of the app (frontend/login.js).

use domain::i18n::Msg;
use domain::SignupRequest;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{field_error, form_error};
use crate::api::{self, ApiError};
use crate::app::LangSwitch;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// What a sign-in form or e-mail link does with the answer: the session takes the user and the
/// app opens `to`; a refusal shows in `error`. Made in the component, where the router is.
pub(super) fn on_signed_in(
    to: &'static str,
    error: RwSignal<Option<ApiError>>,
) -> impl Fn(Result<domain::TokenResponse, ApiError>) + Clone + 'static {
    let session = use_session();
    let navigate = use_navigate();
    move |answer| match answer {
        Ok(tokens) => {
            session.user.set(Some(Some(tokens.user)));
            navigate(to, Default::default());
        }
        Err(e) => error.set(Some(e)),
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let account_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let sent_to = RwSignal::new(None::<String>);

    let submit = Task::new(move |_: &()| {
        let body = SignupRequest {
            account_name: account_name.get_untracked(),
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        async move {
            match api::auth::signup(&body).await {
                Ok(()) => sent_to.set(Some(email.get_untracked())),
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        <main class="auth-card" id="main">
            <div class="auth-head"><h1>{i18n.tr(Msg::SignUp)}</h1><LangSwitch/></div>
            <Show when=move || sent_to.get().is_some() fallback=move || view! {
                <form on:submit=move |ev| { ev.prevent_default(); error.set(None); submit.dispatch(()); }>
                    <label>{i18n.tr(Msg::AccountName)}<input name="account_name" autocomplete="organization" required bind:value=account_name/></label>
                    {field_error(error, "account_name")}
                    <label>{i18n.tr(Msg::Name)}<input name="name" autocomplete="name" required bind:value=name/></label>
                    {field_error(error, "name")}
                    <label>{i18n.tr(Msg::Email)}<input type="email" name="email" autocomplete="username" required bind:value=email/></label>
                    {field_error(error, "email")}
                    <label>{i18n.tr(Msg::Password)}<input type="password" name="password" autocomplete="new-password" required bind:value=password/></label>
                    {field_error(error, "password")}
                    {form_error(error)}
                    <button type="submit" disabled=submit.pending()>{i18n.tr(Msg::SignUp)}</button>
                </form>
            }>
                <div class="notice" role="status">
                    <h2>{i18n.tr(Msg::CheckInbox)}</h2>
                    <p>{i18n.tr(Msg::SignupSent)} " " <strong>{move || sent_to.get().unwrap_or_default()}</strong></p>
                </div>
            </Show>
            <p><a href="/login" rel="external">{i18n.tr(Msg::HaveAccount)}</a></p>
        </main>
    }
}
