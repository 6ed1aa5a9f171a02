//! One conversation in the desk: live transcript, reply box (with `/` canned responses),
//! actions for its state, tags, and the client panel.

use domain::events::EventData;
use domain::i18n::Msg;
use domain::{
    ConversationStatus, ConversationSummary, MessageSender, MessageView, OperatorRequest, SendMessageRequest,
    VisitorGiven,
};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Tab;
use crate::api::conversations::OperatorAction;
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::components::call_log::CallLog;
use crate::components::client_card::ClientCard;
use crate::components::sla_timer::SlaTimer;
use crate::components::transcript::MessageItem;
use crate::components::Directory;
use crate::i18n::use_i18n;
use crate::realtime::use_realtime;
use crate::session::use_session;
use crate::toast::use_toasts;

fn status_msg(s: ConversationStatus) -> Msg {
    match s {
        ConversationStatus::Bot => Msg::Bot,
        ConversationStatus::Waiting => Msg::WaitingSince,
        ConversationStatus::Active => Msg::Active,
        ConversationStatus::Closed => Msg::ChatClosedNote,
    }
}

#[component]
pub fn ConversationPane(id: uuid::Uuid, tab: Tab, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let detail = crate::busy::load(move || async move { api::conversations::get(id).await });
    let messages = RwSignal::new(Vec::<MessageView>::new());
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get() {
            messages.set(d.messages);
        }
    });
    let realtime = use_realtime();
    // When the visitor last said they were typing (shown for a few seconds).
    let visitor_typing = RwSignal::new(None::<f64>);
    Effect::new(move |_| {
        let Some(event) = realtime.last.get() else { return };
        if event.conversation_id() != Some(id) && event.data != EventData::Reset {
            return;
        }
        match &event.data {
            EventData::Typing(typing) => {
                if typing.sender == MessageSender::Visitor {
                    let at = js_sys::Date::now();
                    visitor_typing.set(Some(at));
                    set_timeout(
                        move || {
                            visitor_typing.update(|t| {
                                if *t == Some(at) {
                                    *t = None
                                }
                            })
                        },
                        std::time::Duration::from_secs(4),
                    );
                }
            }
            EventData::MessageCreated(created) => {
                visitor_typing.set(None);
                let m = created.message.clone();
                messages.update(|list| {
                    if !list.iter().any(|x| x.id == m.id) {
                        list.push(m);
                    }
                });
            }
            _ => detail.refetch(),
        }
    });
    let refetch = Callback::new(move |_| detail.refetch());

    view! {
        <a class="desk-back" href=move || format!("/conversations?tab={}{}", tab.code(), super::all::link_filters(&query.get()))>"← "{i18n.tr(Msg::Back)}</a>
        {move || detail.get().map(|res| match res {
            Ok(d) => {
                let c = d.conversation.clone();
                let status = c.status.as_str();
                view! {
                    <div class="conversation-view" data-testid="conversation" data-status=status>
                        <div class="conv-main">
                            <PaneHeader c=c.clone() directory=directory on_changed=refetch/>
                            <TranscriptLog messages=messages directory=directory/>
                            <p class="muted typing" aria-live="polite">{move || visitor_typing.get().map(|_| i18n.t(Msg::VisitorTyping))}</p>
                            <StateNote c=c.clone()/>
                            <ReplyBox c=c.clone()/>
                        </div>
                        <aside class="client-panel" aria-label=i18n.tr(Msg::NavClients)>
                            {match d.contact.clone() {
                                Some(contact) => {
                                    let href = format!("/clients/{}", contact.id);
                                    // Tasks, deals and calls are for whoever took the chat: one still with
                                    // the bot or waiting has nobody yet, and they would be refused.
                                    let taken = !matches!(c.status, ConversationStatus::Waiting | ConversationStatus::Bot);
                                    let (contact_id, conversation_id) = (contact.id, c.id);
                                    view! {
                                        <ClientCard contact=contact directory=directory on_saved=refetch in_panel=true attribution=d.location_attribution.clone() actions=taken/>
                                        <a href=href data-testid="open-client">{i18n.tr(Msg::OpenClient)}</a>
                                        {taken.then(|| view! { <CallLog contact_id=contact_id conversation_id=Some(conversation_id) on_logged=refetch/> })}
                                    }.into_any()
                                }
                                None => view! { <VisitorGivenCard given=d.visitor_given.clone()/> }.into_any(),
                            }}
                            <Tags c=c on_changed=refetch/>
                        </aside>
                    </div>
                }.into_any()
            }
            Err(e) => view! { <p class="form-error">{e.summary()}</p> }.into_any(),
        })}
    }
}

/// In place of a client the caller may not see: only what the visitor typed in this chat.
#[component]
fn VisitorGivenCard(given: VisitorGiven) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |label: Msg, value: Option<String>| value.map(|v| view! { <dt>{i18n.tr(label)}</dt><dd>{v}</dd> });
    view! {
        <section class="col card-col" data-testid="visitor-given">
            <h2>{i18n.tr(Msg::VisitorGivenTitle)}</h2>
            <dl class="facts">
                {row(Msg::Name, given.name.clone())}
                {row(Msg::Email, given.email.clone())}
                {row(Msg::Phone, given.phone.as_deref().map(crate::components::phone_text))}
            </dl>
            <p class="muted">{i18n.tr(Msg::VisitorGivenOnly)}</p>
        </section>
    }
}

/// Who, from where, its state, and the actions that state allows.
#[component]
fn PaneHeader(c: ConversationSummary, directory: Directory, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let id = c.id;
    let me = session.current().map(|u| u.id);
    let takes_part = c.owner_id == me || me.is_some_and(|m| c.participant_ids.contains(&m));
    let can_act = takes_part || session.is_admin();
    let acting = Task::new(move |(action, body): &(OperatorAction, Option<OperatorRequest>)| {
        let (action, body) = (*action, body.clone());
        async move {
            match api::conversations::act(id, action, body.as_ref()).await {
                Ok(_) => {
                    on_changed.try_run(());
                }
                Err(e) if action == OperatorAction::Accept && e.field("max_open_chats").is_some() => {
                    toasts.show(i18n.t(Msg::AtChatLimit).to_string(), None)
                }
                Err(e) if action == OperatorAction::Accept && e.status == 409 => {
                    toasts.show(i18n.t(Msg::TakenByColleague).to_string(), None)
                }
                Err(e) => toasts.show(e.summary(), None),
            }
        }
    });
    let act = move |action: OperatorAction, body: Option<OperatorRequest>| {
        acting.dispatch((action, body));
    };
    let chosen = RwSignal::new(String::new());
    let pick = move || chosen.get_untracked().parse::<uuid::Uuid>().ok().map(|user_id| OperatorRequest { user_id });
    let block = move |_| {
        let ok =
            web_sys::window().and_then(|w| w.confirm_with_message(i18n.t(Msg::ConfirmBlock)).ok()).unwrap_or(false);
        if ok {
            act(OperatorAction::Block, None);
        }
    };
    let unblocking = Task::new(move |_: &()| async move {
        match api::conversations::unblock(id).await {
            Ok(()) => {
                on_changed.try_run(());
            }
            Err(e) => toasts.show(e.summary(), None),
        }
    });
    let unblock = move |_| {
        unblocking.dispatch(());
    };
    let label = c.contact_label.clone();
    let origin = [c.site_name.clone(), c.page_url.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let status = c.status;
    let owner = c.owner_id;
    let stats = c.stats.clone();
    view! {
        <header class="pane-head">
            <div>
                <h2 data-testid="conversation-title">{move || label.clone().unwrap_or_else(|| i18n.t(Msg::AnonymousVisitor).to_string())}</h2>
                <small class="muted">{origin}</small>
                <small class="muted">" · "{move || i18n.t(status_msg(status))}{move || owner.map(|o| format!(" · {}", directory.user_name(Some(o))))}</small>
                {match (status, c.waiting_since, c.sla_due_at) {
                    (ConversationStatus::Waiting, Some(since), Some(due)) => Some(view! { " " <SlaTimer since=since due=due/> }),
                    _ => None,
                }}
            </div>
            <div class="pane-actions">
                {match status {
                    ConversationStatus::Waiting => view! {
                        <button disabled=acting.pending() data-testid="accept" on:click=move |_| act(OperatorAction::Accept, None)>{i18n.tr(Msg::Accept)}</button>
                        <button disabled=acting.pending() class="secondary" on:click=move |_| act(OperatorAction::Ignore, None)>{i18n.tr(Msg::Ignore)}</button>
                    }.into_any(),
                    ConversationStatus::Active if can_act => view! {
                        <label class="operator-pick">
                            <span class="sr-only">{i18n.tr(Msg::ChooseOperator)}</span>
                            <select bind:value=chosen data-testid="operator-pick">
                                <option value="">{i18n.tr(Msg::ChooseOperator)}</option>
                                {move || directory.users.get().and_then(|r| r.ok()).map(|l| l.items.into_iter()
                                    .filter(|u| !u.disabled && Some(u.id) != me)
                                    .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view())}
                            </select>
                        </label>
                        <button disabled=acting.pending() class="secondary" on:click=move |_| if let Some(b) = pick() { act(OperatorAction::Transfer, Some(b)) }>{i18n.tr(Msg::Transfer)}</button>
                        <button disabled=acting.pending() class="secondary" on:click=move |_| if let Some(b) = pick() { act(OperatorAction::Invite, Some(b)) }>{i18n.tr(Msg::InviteColleague)}</button>
                        <button disabled=acting.pending() class="secondary danger" on:click=block>{i18n.tr(Msg::BlockVisitor)}</button>
                        <button disabled=acting.pending() data-testid="close-chat" on:click=move |_| if crate::pages::confirm(i18n.t(Msg::ConfirmCloseChat)) { act(OperatorAction::Close, None) }>{i18n.tr(Msg::CloseChat)}</button>
                    }.into_any(),
                    ConversationStatus::Active => view! {
                        <button disabled=acting.pending() class="secondary" on:click=move |_| act(OperatorAction::Join, None)>{i18n.tr(Msg::JoinChat)}</button>
                    }.into_any(),
                    ConversationStatus::Closed => view! {
                        <button disabled=acting.pending() data-testid="join-chat" on:click=move |_| act(OperatorAction::Join, None)>{i18n.tr(Msg::JoinChat)}</button>
                        {(c.blocked && session.is_admin()).then(|| view! { <button class="secondary" on:click=unblock>{i18n.tr(Msg::UnblockVisitor)}</button> })}
                    }.into_any(),
                    ConversationStatus::Bot => ().into_any(),
                }}
            </div>
        </header>
        {(status == ConversationStatus::Closed).then(|| {
            let mins = super::span_text;
            let (wait, first, duration) = (mins(stats.wait_secs), mins(stats.first_response_secs), mins(stats.duration_secs));
            let counts = format!("{} / {} / {}", stats.visitor_messages, stats.operator_messages, stats.bot_messages);
            let operators = stats.operator_ids.clone();
            view! {
                <dl class="totals conv-stats" data-testid="conversation-stats">
                    <dt>{i18n.tr(Msg::WaitTime)}</dt><dd>{wait}</dd>
                    <dt>{i18n.tr(Msg::FirstResponse)}</dt><dd>{first}</dd>
                    <dt>{i18n.tr(Msg::Duration)}</dt><dd>{duration}</dd>
                    <dt>{move || format!("{} ({} / {} / {})", i18n.t(Msg::Messages), i18n.t(Msg::Visitor), i18n.t(Msg::Agent), i18n.t(Msg::Bot))}</dt><dd>{counts}</dd>
                    <dt>{i18n.tr(Msg::Operators)}</dt>
                    <dd>{move || operators.iter().map(|o| directory.user_name(Some(*o))).collect::<Vec<_>>().join(", ")}</dd>
                </dl>
            }
        })}
    }
}

/// The messages, newest at the bottom, kept in view as they arrive. `role="log"` lets screen
/// readers announce new ones.
#[component]
fn TranscriptLog(messages: RwSignal<Vec<MessageView>>, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let log = NodeRef::<html::Div>::new();
    // After the new message is in the DOM.
    Effect::new(move |_| {
        messages.track();
        if let Some(el) = log.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });
    view! {
        <div class="transcript live" role="log" tabindex="0" aria-label=i18n.tr(Msg::Conversation) node_ref=log data-testid="transcript">
            <For each=move || messages.get() key=|m| m.id let:m>
                <MessageItem message=m directory=directory/>
            </For>
        </div>
    }
}

#[component]
fn StateNote(c: ConversationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let note = match c.status {
        ConversationStatus::Closed => Some(Msg::ChatClosedNote),
        ConversationStatus::Waiting => Some(Msg::ChatWaitingNote),
        ConversationStatus::Bot => Some(Msg::ChatBotNote),
        ConversationStatus::Active => None,
    };
    note.map(|n| view! { <p class="muted state-note">{i18n.tr(n)}</p> })
}

/// The reply box: Enter sends, Shift+Enter breaks the line, `/` lists canned responses.
#[component]
fn ReplyBox(c: ConversationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = session.current().map(|u| u.id);
    let can_reply = c.status == ConversationStatus::Active
        && (c.owner_id == me || me.is_some_and(|m| c.participant_ids.contains(&m)) || session.is_admin());
    if !can_reply {
        return ().into_any();
    }
    let id = c.id;
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let canned = crate::busy::load(api::settings::canned_responses);
    // Tell the visitor at most every 3 seconds.
    let last_typing = StoredValue::new(0.0_f64);
    let send = Task::new(move |body: &String| {
        let body = SendMessageRequest { body: body.clone() };
        async move {
            match api::conversations::reply(id, &body).await {
                Ok(_) => {
                    text.set(String::new());
                    // The message ended the visitor's typing notice: announce the next one at once.
                    last_typing.set_value(0.0);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let typing = move || {
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > 3000.0 {
            last_typing.set_value(now);
            // A hint that may be lost, not a change anyone waits on: no action, no pending state.
            spawn_local(async move {
                let _ = api::conversations::typing(id).await;
            });
        }
    };
    let submit = move || {
        let body = text.get_untracked();
        if !body.trim().is_empty() {
            error.set(None);
            send.dispatch(body);
        }
    };
    // "/pre" shows the canned responses whose shortcut starts with "pre".
    let suggestions = move || {
        let t = text.get();
        let prefix = t.strip_prefix('/').filter(|p| !p.contains(char::is_whitespace))?.to_lowercase();
        let list = canned.get()?.ok()?;
        Some(
            list.items
                .into_iter()
                .filter(|c| c.shortcut.to_lowercase().starts_with(&prefix))
                .take(6)
                .collect::<Vec<_>>(),
        )
    };
    view! {
        <form class="reply" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label for="reply-text" class="sr-only">{i18n.tr(Msg::Reply)}</label>
            <textarea id="reply-text" name="reply" rows="2" data-testid="reply" bind:value=text
                aria-describedby="reply-hint"
                on:input=move |_| typing()
                on:keydown=move |ev| if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); submit(); }></textarea>
            <small id="reply-hint" class="muted">{i18n.tr(Msg::ReplyHint)}</small>
            {move || suggestions().filter(|s| !s.is_empty()).map(|s| view! {
                <ul class="canned" aria-label=i18n.tr(Msg::CannedResponses)>
                    {s.into_iter().map(|c| {
                        let body = c.body.clone();
                        view! { <li><button type="button" class="link" on:click=move |_| text.set(body.clone())>"/"{c.shortcut}" — "{c.body.chars().take(60).collect::<String>()}</button></li> }
                    }).collect_view()}
                </ul>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.field("body").unwrap_or_else(|| e.summary())}</p> })}
            <button type="submit" data-testid="send">{i18n.tr(Msg::Send)}</button>
        </form>
    }
    .into_any()
}

#[component]
fn Tags(c: ConversationSummary, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let id = c.id;
    let new_tag = RwSignal::new(String::new());
    let adding = Task::new(move |tag: &String| {
        let tag = tag.clone();
        async move {
            match api::conversations::add_tag(id, tag).await {
                Ok(_) => {
                    new_tag.set(String::new());
                    on_changed.try_run(());
                }
                Err(e) => toasts.show(e.field("tag").unwrap_or_else(|| e.summary()), None),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tag = new_tag.get_untracked();
        if tag.trim().is_empty() {
            return;
        }
        adding.dispatch(tag);
    };
    let removing = Task::new(move |tag: &String| {
        let tag = tag.clone();
        async move {
            match api::conversations::remove_tag(id, &tag).await {
                Ok(_) => {
                    on_changed.try_run(());
                }
                Err(e) => toasts.show(e.summary(), None),
            }
        }
    });
    let remove = move |tag: String| {
        removing.dispatch(tag);
    };
    view! {
        <section class="conv-tags">
            <h3>{i18n.tr(Msg::Tags)}</h3>
            <ul class="chips">
                {c.tags.into_iter().map(|t| {
                    let tag = t.clone();
                    view! {
                        <li class="chip">{t.clone()}
                            <button class="link" aria-label=move || format!("{} {}", i18n.t(Msg::RemoveTag), tag) on:click={ let t = t.clone(); move |_| remove(t.clone()) }>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" on:submit=add>
                <label><span class="sr-only">{i18n.tr(Msg::AddTag)}</span><input name="tag" bind:value=new_tag placeholder=i18n.tr(Msg::AddTag)/></label>
                <button type="submit" class="secondary" disabled=adding.pending()>{i18n.tr(Msg::AddTag)}</button>
            </form>
        </section>
    }
}
