use domain::i18n::Msg;
use domain::CreateContactRequest;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::Directory;
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

/// "+ New client": a small form that opens the new client's page when saved.
#[component]
pub fn NewClientForm(directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let site = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let navigate = use_navigate();
    let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let create = Task::new(move |_: &()| {
        let body = CreateContactRequest {
            name: some(name.get_untracked()),
            email: some(email.get_untracked()),
            phone: some(phone.get_untracked()),
            site_id: site.get_untracked().parse().ok(),
            assignee_id: assignee.get_untracked().parse().ok(),
            ..Default::default()
        };
        // The API's own rule, checked here first so nothing is sent that it would refuse.
        let missing = body.missing_fields();
        let navigate = navigate.clone();
        async move {
            if !missing.is_empty() {
                return error.set(Some(ApiError::invalid(missing)));
            }
            match api::contacts::create(&body).await {
                Ok(c) => navigate(&format!("/clients/{}", c.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        <button class="secondary" on:click=move |_| open.update(|o| *o = !*o)>"+ "{i18n.tr(Msg::NewClient)}</button>
        <Show when=move || open.get()>
            <form class="inline-form card" data-testid="new-client" novalidate on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
                <label>{i18n.tr(Msg::Name)}<input name="name" required bind:value=name/></label>
                {field_error(error, "name")}
                <label>{i18n.tr(Msg::Email)}<input name="email" type="email" bind:value=email/></label>
                {field_error(error, "email")}
                <label>{i18n.tr(Msg::Phone)}<input name="phone" bind:value=phone/></label>
                {field_error(error, "phone")}
                <label>{i18n.tr(Msg::Site)}
                    <select name="site_id" bind:value=site>
                        <option value="">"—"</option>
                        {directory.site_options()}
                    </select>
                </label>
                <Show when=move || session.is_admin()>
                    <label>{i18n.tr(Msg::Assignee)}
                        <select name="assignee_id" bind:value=assignee>
                            <option value="">{i18n.tr(Msg::Unassigned)}</option>
                            {move || directory.users.get().and_then(|r| r.ok()).map(|l| l.items.into_iter()
                                .filter(|u| !u.disabled)
                                .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view())}
                        </select>
                    </label>
                </Show>
                {field_error(error, "assignee_id")}
                {form_error(error)}
                <button type="submit" disabled=create.pending()>{i18n.tr(Msg::Create)}</button>
            </form>
        </Show>
    }
}
