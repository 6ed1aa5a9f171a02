use domain::i18n::Msg;
use domain::{InvitationView, InviteUserRequest, Role, UpdateUserRequest};
use leptos::prelude::*;

use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn UsersSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let users = crate::busy::load(api::users::list);
    // Which boards each agent sees (admins only: an agent's list holds only their own).
    let boards = crate::busy::load(api::boards::boards);
    let error = RwSignal::new(None::<ApiError>);
    let me = session.current().map(|u| u.id);
    let role_label = move |role: Role| i18n.t(if role == Role::Admin { Msg::RoleAdmin } else { Msg::RoleAgent });

    let update = move |id: uuid::Uuid, change: UpdateUserRequest| {
        run_then_reload(async move { api::users::update(id, &change).await }, move || users.refetch(), error)
    };
    let asked = move |question: Msg, name: StoredValue<String>| i18n.t(question).replace("{name}", &name.get_value());
    let remove = move |id: uuid::Uuid, name: &str| {
        if confirm(&i18n.t(Msg::ConfirmDeleteUser).replace("{name}", name)) {
            run_then_reload(async move { api::users::delete(id).await }, move || users.refetch(), error);
        }
    };

    // A limit saved when it changes: empty for none.
    let limit_input = move |id: uuid::Uuid,
                            current: Option<i32>,
                            what: Msg,
                            name: &str,
                            admin: bool,
                            change: fn(Option<i32>) -> UpdateUserRequest| {
        let name = name.to_string();
        view! {
            <label class="limit">
                <span>{i18n.tr(what)}</span>
                <input type="number" min="1" inputmode="numeric" disabled=!admin
                    aria-label=move || format!("{} — {name}", i18n.t(what))
                    placeholder=i18n.tr(Msg::NoLimit)
                    prop:value=current.map(|v| v.to_string()).unwrap_or_default()
                    on:change:target=move |ev| {
                        let text = ev.target().value();
                        let wanted = if text.trim().is_empty() { Some(None) } else { text.trim().parse().ok().map(Some) };
                        if let Some(value) = wanted {
                            update(id, change(value));
                        }
                    }/>
            </label>
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
                    let name = StoredValue::new(u.name.clone());
                    view! {
                        <tr data-email=u.email.clone()>
                            <td>{u.name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td class="role">{move || role_label(u.role)}</td>
                            <td class="status">{move || i18n.t(if disabled { Msg::Disabled } else { Msg::Active })}</td>
                            <td class="limits">
                                {limit_input(id, u.max_open_chats, Msg::MaxOpenChats, &u.name, admin, |v| UpdateUserRequest { max_open_chats: Some(v), ..Default::default() })}
                                {limit_input(id, u.max_new_leads_per_day, Msg::MaxLeadsPerDay, &u.name, admin, |v| UpdateUserRequest { max_new_leads_per_day: Some(v), ..Default::default() })}
                            </td>
                            <td class="boards">
                                <Show when=move || admin>
                                    <super::user_boards::UserBoards user=id name=u.name.clone() role=u.role boards=boards error=error/>
                                </Show>
                            </td>
                            <td class="actions">
                                <Show when=move || admin && !is_me>
                                    // Making an admin (all clients, all settings) asks first; making an agent does not.
                                    <button class="link" on:click=move |_| {
                                        if next_role != Role::Admin || confirm(&asked(Msg::ConfirmMakeAdmin, name)) {
                                            update(id, UpdateUserRequest { role: Some(next_role), ..Default::default() })
                                        }
                                    }>
                                        {move || role_label(next_role)}
                                    </button>
                                    <button class="link" on:click=move |_| {
                                        if disabled || confirm(&asked(Msg::ConfirmDisableUser, name)) {
                                            update(id, UpdateUserRequest { disabled: Some(!disabled), ..Default::default() })
                                        }
                                    }>
                                        {move || i18n.t(if disabled { Msg::Enable } else { Msg::Disable })}
                                    </button>
                                    <button class="link danger" on:click=move |_| remove(id, &name.get_value())>{i18n.tr(Msg::Delete)}</button>
                                </Show>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="7" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };

    view! {
        <h1>{i18n.tr(Msg::Users)}</h1>
        <Show when=move || !session.is_admin()><p class="muted">{i18n.tr(Msg::AdminsOnly)}</p></Show>
        {form_error(error)}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="users-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Name)}</th><th>{i18n.tr(Msg::Email)}</th>
                <th>{i18n.tr(Msg::Role)}</th><th>{i18n.tr(Msg::Status)}</th><th>{i18n.tr(Msg::Limits)}</th><th>{i18n.tr(Msg::NavBoards)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="7">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
        <Show when=move || session.is_admin()>
            <Invitations/>
        </Show>
    }
}

/// Open invitations, and the form that sends one (how admins add users).
#[component]
fn Invitations() -> impl IntoView {
    let i18n = use_i18n();
    let invitations = crate::busy::load(api::users::invitations);
    let error = RwSignal::new(None::<ApiError>);
    let role_label = move |role: Role| i18n.t(if role == Role::Admin { Msg::RoleAdmin } else { Msg::RoleAgent });
    let revoke = move |id: uuid::Uuid| {
        if confirm(i18n.t(Msg::ConfirmRevokeInvitation)) {
            run_then_reload(
                async move { api::users::revoke_invitation(id).await },
                move || invitations.refetch(),
                error,
            )
        }
    };
    let send_again = move |invitation: InvitationView| {
        let body = InviteUserRequest { email: invitation.email, name: invitation.name, role: invitation.role };
        run_then_reload(
            async move { api::users::invite(&body).await.map(|_| ()) },
            move || invitations.refetch(),
            error,
        )
    };
    let rows = move || {
        invitations.get().map(|res| match res {
            Ok(list) if list.items.is_empty() => {
                view! { <tr><td colspan="5" class="muted">{i18n.tr(Msg::NoInvitations)}</td></tr> }.into_any()
            }
            Ok(list) => list
                .items
                .into_iter()
                .map(|inv| {
                    let id = inv.id;
                    let expired = inv.expires_at < chrono::Utc::now();
                    let expires = domain::labels::date_text(inv.expires_at.with_timezone(&chrono::Local).date_naive(), crate::i18n::current_lang());
                    let again = inv.clone();
                    view! {
                        <tr data-email=inv.email.clone()>
                            <td>{inv.name.clone()}</td>
                            <td>{inv.email.clone()}</td>
                            <td class="role">{move || role_label(inv.role)}</td>
                            <td class="status">{move || if expired { i18n.t(Msg::Expired).to_string() } else { format!("{} {expires}", i18n.t(Msg::Expires)) }}</td>
                            <td class="actions">
                                <button class="link" on:click=move |_| send_again(again.clone())>{i18n.tr(Msg::SendAgain)}</button>
                                <button class="link danger" on:click=move |_| revoke(id)>{i18n.tr(Msg::Revoke)}</button>
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
        <h2>{i18n.tr(Msg::Invitations)}</h2>
        {form_error(error)}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="invitations-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Name)}</th><th>{i18n.tr(Msg::Email)}</th>
                <th>{i18n.tr(Msg::Role)}</th><th>{i18n.tr(Msg::Status)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="5">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
        <InviteForm on_sent=move || invitations.refetch()/>
    }
}

#[component]
fn InviteForm(on_sent: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_string());
    let error = RwSignal::new(None::<ApiError>);
    let sent_to = RwSignal::new(None::<String>);
    let invite = Task::new(move |_: &()| {
        let body = InviteUserRequest {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: Role::parse(&role.get_untracked()).unwrap_or(Role::Agent),
        };
        async move {
            match api::users::invite(&body).await {
                Ok(sent) => {
                    sent_to.set(Some(sent.email));
                    for field in [name, email] {
                        field.set(String::new());
                    }
                    on_sent();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        <form class="inline-form" data-testid="invite-user" on:submit=move |ev| { ev.prevent_default(); error.set(None); sent_to.set(None); invite.dispatch(()); }>
            <h2>{i18n.tr(Msg::InviteUser)}</h2>
            <p class="muted">{i18n.tr(Msg::InviteHelp)}</p>
            <label>{i18n.tr(Msg::Name)}<input name="name" required bind:value=name/></label>
            {field_error(error, "name")}
            <label>{i18n.tr(Msg::Email)}<input type="email" name="email" required bind:value=email/></label>
            {field_error(error, "email")}
            <label>{i18n.tr(Msg::Role)}
                <select name="role" bind:value=role>
                    <option value="agent">{i18n.tr(Msg::RoleAgent)}</option>
                    <option value="admin">{i18n.tr(Msg::RoleAdmin)}</option>
                </select>
            </label>
            {form_error(error)}
            <button type="submit" disabled=invite.pending()>{i18n.tr(Msg::SendInvitation)}</button>
            {move || sent_to.get().map(|to| view! { <p class="notice" role="status">{i18n.t(Msg::InvitationSent)} " " {to}</p> })}
        </form>
    }
}
