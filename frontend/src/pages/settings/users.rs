use domain::i18n::Msg;
use domain::{CreateUserRequest, Role, UpdateUserRequest, UserList, UserView};
use leptos::prelude::*;

use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn UsersSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let users = LocalResource::new(|| api::get::<UserList>("/api/v1/users"));
    let error = RwSignal::new(None::<ApiError>);
    let me = session.current().map(|u| u.id);
    let role_label = move |role: Role| i18n.t(if role == Role::Admin { Msg::RoleAdmin } else { Msg::RoleAgent });

    let update = move |id: uuid::Uuid, change: UpdateUserRequest| {
        run_then_reload(
            async move { api::patch::<UserView>(&format!("/api/v1/users/{id}"), &change).await },
            move || users.refetch(),
            error,
        )
    };
    let remove = move |id: uuid::Uuid| {
        if confirm(i18n.t(Msg::ConfirmDelete)) {
            run_then_reload(
                async move { api::delete(&format!("/api/v1/users/{id}")).await },
                move || users.refetch(),
                error,
            );
        }
    };

    let rows = move || {
        users.get().map(|res| match res {
            Ok(list) => list
                .items
                .into_iter()
                .map(|u| {
                    let id = u.id;
                    let is_me = Some(id) == me;
                    let admin = session.is_admin();
                    let next_role = if u.role == Role::Admin { Role::Agent } else { Role::Admin };
                    let disabled = u.disabled;
                    view! {
                        <tr data-email=u.email.clone()>
                            <td>{u.name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td class="role">{move || role_label(u.role)}</td>
                            <td class="status">{move || i18n.t(if disabled { Msg::Disabled } else { Msg::Active })}</td>
                            <td class="actions">
                                <Show when=move || admin && !is_me>
                                    <button class="link" on:click=move |_| update(id, UpdateUserRequest { role: Some(next_role), ..Default::default() })>
                                        {move || role_label(next_role)}
                                    </button>
                                    <button class="link" on:click=move |_| update(id, UpdateUserRequest { disabled: Some(!disabled), ..Default::default() })>
                                        {move || i18n.t(if disabled { Msg::Enable } else { Msg::Disable })}
                                    </button>
                                    <button class="link danger" on:click=move |_| remove(id)>{move || i18n.t(Msg::Delete)}</button>
                                </Show>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="5" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };

    view! {
        <h1>{move || i18n.t(Msg::Users)}</h1>
        <Show when=move || !session.is_admin()><p class="muted">{move || i18n.t(Msg::AdminsOnly)}</p></Show>
        {form_error(error)}
        <table class="grid" data-testid="users-table">
            <thead><tr>
                <th>{move || i18n.t(Msg::Name)}</th><th>{move || i18n.t(Msg::Email)}</th>
                <th>{move || i18n.t(Msg::Role)}</th><th>{move || i18n.t(Msg::Status)}</th><th></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="5">{move || i18n.t(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table>
        <Show when=move || session.is_admin()>
            <NewUserForm on_created=move || users.refetch()/>
        </Show>
    }
}

#[component]
fn NewUserForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_string());
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |_: &()| {
        let body = CreateUserRequest {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: Role::parse(&role.get_untracked()).unwrap_or(Role::Agent),
            password: password.get_untracked(),
        };
        async move { api::post::<UserView>("/api/v1/users", &body).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            for field in [name, email, password] {
                field.set(String::new());
            }
            on_created();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    view! {
        <form class="inline-form" data-testid="new-user" on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
            <h2>{move || i18n.t(Msg::NewUser)}</h2>
            <label>{move || i18n.t(Msg::Name)}<input name="name" bind:value=name/></label>
            {field_error(error, "name")}
            <label>{move || i18n.t(Msg::Email)}<input type="email" name="email" bind:value=email/></label>
            {field_error(error, "email")}
            <label>{move || i18n.t(Msg::Role)}
                <select name="role" bind:value=role>
                    <option value="agent">{move || i18n.t(Msg::RoleAgent)}</option>
                    <option value="admin">{move || i18n.t(Msg::RoleAdmin)}</option>
                </select>
            </label>
            <label>{move || i18n.t(Msg::Password)}<input type="password" name="password" autocomplete="new-password" bind:value=password/></label>
            {field_error(error, "password")}
            {form_error(error)}
            <button type="submit" disabled=move || create.pending().get()>{move || i18n.t(Msg::Create)}</button>
        </form>
    }
}
