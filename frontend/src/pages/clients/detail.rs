//! The client screen in three columns: the client card (editable, with prev/next arrows
//! over the filtered list), the actions (status, assignee, rating, notes, change log) and
//! the transcript.

use crate::busy::Busy;
use domain::i18n::Msg;
use domain::{ActivityView, ContactDetail, ContactNeighbors, ContactStatus, CreateNoteRequest, UpdateContactRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::filter::{api_query, status_msg, ui_query};
use super::merge::MergeDuplicate;
use super::{short, Directory};
use crate::api::{self, ApiError};
use crate::components::call_log::CallLog;
use crate::components::client_card::ClientCard;
use crate::components::transcript::MessageItem;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn ClientDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    // Not an id: the nil one, which the server answers 404 like any unknown client.
    let id = Memo::new(move |_| params.get().get("id").and_then(|s| s.parse::<uuid::Uuid>().ok()).unwrap_or_default());
    let detail = crate::busy::load(move || {
        let id = id.get();
        async move { api::contacts::get(id).await }
    });
    let neighbors = crate::busy::load(move || {
        let (id, qs) = (id.get(), api_query(&query.get()));
        async move { api::contacts::neighbors(id, &qs).await }
    });
    let directory = Directory::new();
    let error = RwSignal::new(None::<ApiError>);
    let qs = move || ui_query(&query.get());
    let arrow = move |target: Option<uuid::Uuid>, label: Msg, class: &'static str| {
        target.map(|t| view! { <a class=class href=format!("/clients/{t}?{}", qs())>{i18n.tr(label)}</a> })
    };
    // j / k walk the list under its filter, ? shows the shortcuts (not while typing).
    let help_open = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || crate::focus::typing_in_a_field() {
            return;
        }
        let go = |target: Option<uuid::Uuid>| {
            if let Some(t) = target {
                navigate(&format!("/clients/{t}?{}", qs()), Default::default());
            }
        };
        let n = neighbors.get_untracked().and_then(|r| r.ok());
        match ev.key().as_str() {
            "j" => go(n.and_then(|n| n.next_id)),
            "k" => go(n.and_then(|n| n.prev_id)),
            "?" => help_open.update(|o| *o = !*o),
            "Escape" => help_open.set(false),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let place = move |n: &ContactNeighbors| {
        let total = if n.total_is_capped { format!("{}+", n.total) } else { n.total.to_string() };
        let position = n.position.map(|p| p.to_string()).unwrap_or_else(|| format!("{}+", domain::NEIGHBOR_COUNT_CAP));
        format!("{position} {} {total}", i18n.t(Msg::Of))
    };

    view! {
        <div class="detail-nav">
            <a href=move || format!("/clients?{}", qs())>"← "{i18n.tr(Msg::Back)}</a>
            <a class="conversation-jump" href="#conversation" on:click=move |ev| { ev.prevent_default(); crate::focus::focus_by_id("conversation"); }>{i18n.tr(Msg::ShowConversation)}</a>
            <span class="spacer"></span>
            {move || neighbors.get().and_then(|r| r.ok()).map(|n| view! {
                {arrow(n.prev_id, Msg::Previous, "prev")}
                <span class="place" data-testid="place">{place(&n)}</span>
                {arrow(n.next_id, Msg::Next, "next")}
            })}
            <button class="link" aria-label=i18n.tr(Msg::KeyboardShortcuts) aria-expanded=move || help_open.get().to_string()
                on:click=move |_| help_open.update(|o| *o = !*o)>"?"</button>
        </div>
        <Show when=move || help_open.get()>
            <section class="shortcuts" role="dialog" aria-label=i18n.tr(Msg::KeyboardShortcuts) data-testid="shortcuts">
                <h2>{i18n.tr(Msg::KeyboardShortcuts)}</h2>
                <dl class="facts">
                    <dt><kbd>"j"</kbd></dt><dd>{i18n.tr(Msg::NextClient)}</dd>
                    <dt><kbd>"k"</kbd></dt><dd>{i18n.tr(Msg::PreviousClient)}</dd>
                    <dt><kbd>"?"</kbd></dt><dd>{i18n.tr(Msg::ShowShortcuts)}</dd>
                    <dt><kbd>"↑"</kbd>" "<kbd>"↓"</kbd>" "<kbd>"Enter"</kbd></dt><dd>{i18n.tr(Msg::ListKeys)}</dd>
                </dl>
                <button class="secondary" on:click=move |_| help_open.set(false)>{i18n.tr(Msg::Close)}</button>
            </section>
        </Show>
        {form_error(error)}
        {move || detail.get().map(|res| match res {
            Ok(d) => view! {
                <div class="detail" data-testid="client-detail">
                    <ClientCard contact=d.contact.clone() directory=directory on_saved=Callback::new(move |_| detail.refetch()) attribution=d.location_attribution.clone()/>
                    <ActionsColumn detail=d.clone() directory=directory on_changed=detail error=error/>
                    <Transcript detail=d directory=directory/>
                </div>
            }.into_any(),
            Err(e) => view! { <p class="form-error">{e.summary()}</p> }.into_any(),
        })}
    }
}

#[component]
fn ActionsColumn(
    detail: ContactDetail,
    directory: Directory,
    on_changed: LocalResource<Result<ContactDetail, ApiError>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let c = detail.contact.clone();
    let id = c.id;
    let toasts = crate::toast::use_toasts();
    // A change saved, then a toast saying so (with an Undo for a change, none for an undo).
    // A task, not an `Action`: the toast's Undo outlives this panel (saving reloads the
    // client, which renders the panel anew), and an action of a disposed panel can't dispatch.
    let send = move |body: UpdateContactRequest, said: Msg, undo: Option<Callback<()>>| {
        error.set(None);
        spawn_local(async move {
            match api::contacts::update(id, &body).await {
                Ok(_) => {
                    on_changed.refetch();
                    toasts.show(i18n.t(said).to_string(), undo);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // A select fires `change` on every arrow key: the save waits until the choice has
    // settled for a moment, then says "Saved" with an Undo that puts `undo` back.
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let patch = move |body: UpdateContactRequest, undo: UpdateContactRequest| {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
        let handle = leptos::prelude::set_timeout_with_handle(
            move || {
                let undo = Callback::new(move |_| send(undo.clone(), Msg::Undone, None));
                send(body, Msg::Saved, Some(undo));
            },
            std::time::Duration::from_millis(700),
        )
        .ok();
        pending.try_set_value(handle);
    };
    let note = RwSignal::new(String::new());
    let noting = Busy::new();
    let add_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateNoteRequest { body: note.get_untracked() };
        error.set(None);
        noting.run(async move {
            match api::contacts::add_note(id, &body).await {
                Ok(_) => {
                    note.set(String::new());
                    on_changed.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let to_list = leptos_router::hooks::use_navigate();
    let deleting = Busy::new();
    let delete = Callback::new(move |()| {
        if crate::pages::confirm(i18n.t(Msg::ConfirmDeleteClient)) {
            let to_list = to_list.clone();
            deleting.run(async move {
                match api::contacts::delete(id).await {
                    Ok(()) => to_list("/clients", Default::default()),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    });
    let status = c.status.as_str();
    let assignee = c.assignee_id.map(|a| a.to_string()).unwrap_or_default();
    let rating = c.rating.map(|r| r.to_string()).unwrap_or_default();

    view! {
        <section class="col actions-col">
            <h2>{i18n.tr(Msg::Actions)}</h2>
            <label>{i18n.tr(Msg::Status)}
                <select name="status" prop:value=status on:change:target=move |ev| {
                    if let Some(s) = ContactStatus::parse(&ev.target().value()) {
                        patch(
                            UpdateContactRequest { status: Some(s), ..Default::default() },
                            UpdateContactRequest { status: Some(c.status), ..Default::default() },
                        );
                    }
                }>
                    {ContactStatus::ALL.map(|s| view! { <option value=s.as_str() selected=s.as_str() == status>{move || i18n.t(status_msg(s))}</option> })}
                </select>
            </label>
            <Show when=move || session.is_admin() fallback=move || view! {
                <p><strong>{i18n.tr(Msg::Assignee)}": "</strong>{move || directory.user_name(c.assignee_id)}</p>
            }>
                <label>{i18n.tr(Msg::Assignee)}
                    <select name="assignee_id" on:change:target=move |ev| {
                        let value = ev.target().value();
                        patch(
                            UpdateContactRequest { assignee_id: Some(value.parse().ok()), ..Default::default() },
                            UpdateContactRequest { assignee_id: Some(c.assignee_id), ..Default::default() },
                        );
                    }>
                        <option value="" selected=assignee.is_empty()>{i18n.tr(Msg::Unassigned)}</option>
                        {
                            let assignee = assignee.clone();
                            move || directory.users.get().and_then(|r| r.ok()).map(|l| l.items.into_iter().map(|u| {
                                let selected = u.id.to_string() == assignee;
                                view! { <option value=u.id.to_string() selected=selected>{u.name}</option> }
                            }).collect_view())
                        }
                    </select>
                </label>
            </Show>
            <label>{i18n.tr(Msg::Rating)}
                <select name="rating" on:change:target=move |ev| {
                    patch(
                        UpdateContactRequest { rating: Some(ev.target().value().parse().ok()), ..Default::default() },
                        UpdateContactRequest { rating: Some(c.rating), ..Default::default() },
                    );
                }>
                    <option value="" selected=rating.is_empty()>"—"</option>
                    {(1..=5).map(|r| view! { <option value=r.to_string() selected=r.to_string() == rating>{"★".repeat(r)}</option> }).collect_view()}
                </select>
            </label>

            <h3>{i18n.tr(Msg::Notes)}</h3>
            <form class="note-form" on:submit=add_note>
                <textarea name="note" rows="3" aria-label=i18n.tr(Msg::AddNote) bind:value=note></textarea>
                {field_error(error, "body")}
                <button disabled=noting.pending() type="submit">{i18n.tr(Msg::AddNote)}</button>
            </form>
            <ul class="notes" data-testid="notes">
                {detail.notes.iter().map(|n| {
                    // Who wrote it (none for an integration's note), then when.
                    let author = n.author_id;
                    let when = short(n.created_at);
                    view! { <li><p>{n.body.clone()}</p><small class="note-meta">{move || {
                        let who = directory.user_name(author);
                        if who.is_empty() { when.clone() } else { format!("{who} · {when}") }
                    }}</small></li> }
                }).collect_view()}
            </ul>

            <CallLog contact_id=id conversation_id=None on_logged=Callback::new(move |_| on_changed.refetch())/>

            <h3>{i18n.tr(Msg::History)}</h3>
            <ul class="history" data-testid="history">
                {detail.activities.iter().map(|a| history_line(a, directory)).collect_view()}
            </ul>

            <MergeDuplicate keep=detail.contact.clone() directory=directory on_merged=Callback::new(move |_| on_changed.refetch())/>
            <Show when=move || session.is_admin()>
                <button class="link danger" data-testid="delete-client" disabled=deleting.pending() on:click=move |_| delete.run(())>
                    {i18n.tr(Msg::DeleteClient)}
                </button>
            </Show>
        </section>
    }
}

/// "Status: To contact → In progress · Ana · 26/11/2026 10:00": field names and coded values
/// (statuses, channels, yes/no) in the UI language; user and site ids as names.
fn history_line(a: &ActivityView, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let field = a.field.clone();
    let render = move |v: &Option<serde_json::Value>| match v {
        None => "—".into(),
        Some(value) => value_text(&field, value, directory, i18n.lang.get()),
    };
    let (old, new) = (a.old_value.clone(), a.new_value.clone());
    // A creation, a note, a call, a resubmission or a merge has no "before".
    let only_new = matches!(a.field.as_str(), "submitted_again" | "created" | "note" | "call")
        || (a.field == "merge" && a.old_value.is_none());
    let change = move || if only_new { render(&new) } else { format!("{} → {}", render(&old), render(&new)) };
    let field = a.field.clone();
    let label =
        move || domain::labels::activity_field_msg(&field).map(|m| i18n.t(m).to_string()).unwrap_or(field.clone());
    let when = a.created_at;
    view! {
        <li data-field=a.field.clone()>
            <strong>{label}</strong>" "<span class="change">{change}</span>
            <small>" · "{
                let actor = a.actor_label.clone();
                move || if actor == "auto-assignment" { i18n.t(Msg::ActorAutoAssignment).to_string() } else { actor.clone() }
            }" · "{move || { i18n.lang.track(); short(when) }}</small>
        </li>
    }
}

#[component]
fn Transcript(detail: ContactDetail, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(true);
    let conversations = detail.conversations;
    let empty = conversations.is_empty();
    view! {
        <section class="col transcript-col" id="conversation" class:collapsed=move || !open.get()>
            <div class="card-head">
                <h2>{i18n.tr(Msg::Conversation)}</h2>
                <button class="link" data-testid="toggle-transcript" on:click=move |_| open.update(|o| *o = !*o)>
                    {move || i18n.t(if open.get() { Msg::Hide } else { Msg::Show })}
                </button>
            </div>
            <Show when=move || open.get()>
                {empty.then(|| view! { <p class="muted">{i18n.tr(Msg::NoConversation)}</p> })}
                <div class="transcript" data-testid="transcript" tabindex="0" role="region" aria-label=i18n.tr(Msg::Conversation)>
                    {conversations.iter().map(|conv| view! {
                        <div class="conversation">
                            <small class="muted">{short(conv.started_at)}" · "{ let c = conv.channel; move || i18n.t(domain::labels::channel_msg(c)) }</small>
                            {conv.messages.iter().map(|m| view! { <MessageItem message=m.clone() directory=directory/> }).collect_view()}
                        </div>
                    }).collect_view()}
                </div>
            </Show>
        </section>
    }
}

/// One change-log value in words: codes in the UI language, user and site ids as names,
/// phones and instants as the screen writes them; an object (a merged duplicate, a form's
/// resubmission, a location, custom fields) as "label: value" pairs, ids left out.
fn value_text(field: &str, value: &serde_json::Value, directory: Directory, lang: domain::i18n::Lang) -> String {
    use serde_json::Value;
    if let Some(words) = domain::labels::activity_value_text(field, value, lang) {
        return words;
    }
    match value {
        Value::String(s) if field == "assignee_id" => directory.user_name(s.parse().ok()),
        Value::String(s) if field == "site_id" => directory.site_name(s.parse().ok()),
        Value::String(s) if field == "phone" => super::phone_text(s),
        Value::String(s) if field == "first_contact_at" => {
            s.parse::<chrono::DateTime<chrono::Utc>>().map(short).unwrap_or_else(|_| s.clone())
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .filter(|(k, v)| !v.is_null() && *k != "id")
            .map(|(k, v)| {
                let label = domain::labels::activity_field_msg(k).map(|m| m.text(lang).to_string());
                format!("{}: {}", label.unwrap_or_else(|| k.clone()), value_text(k, v, directory, lang))
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
