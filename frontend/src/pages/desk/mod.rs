//! The live-chat desk at /conversations: Inbox, My conversations and All (as in the
//! "Central de atendimento" users know), with the open conversation beside the list, or
//! instead of it on a phone. Lists follow the event stream; nothing needs a reload.

mod all;
mod conversation;

use domain::i18n::Msg;
use domain::{ConversationList, ConversationStatus, ConversationSummary, DeskCounts, Presence};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::components::sla_timer::{OfferCountdown, SlaTimer};
use crate::components::{short, Directory};
use crate::i18n::use_i18n;
use crate::realtime::use_realtime;
use crate::session::use_session;
use crate::toast::use_toasts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inbox,
    Mine,
    All,
}

impl Tab {
    fn from_query(q: Option<String>) -> Tab {
        match q.as_deref() {
            Some("mine") => Tab::Mine,
            Some("all") => Tab::All,
            _ => Tab::Inbox,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Tab::Inbox => "inbox",
            Tab::Mine => "mine",
            Tab::All => "all",
        }
    }
}

/// How long ago, in minutes, for the Inbox's waiting times.
fn minutes_since(t: chrono::DateTime<chrono::Utc>) -> i64 {
    (chrono::Utc::now() - t).num_minutes().max(0)
}

/// The navigation's desk counts, shared by the badge and the desk's tabs (one request per
/// event, not one per widget showing them).
#[derive(Clone, Copy)]
pub struct SharedDeskCounts(pub LocalResource<Option<DeskCounts>>);

/// Provides [`SharedDeskCounts`] to the signed-in shell; they follow the event stream.
pub fn provide_counts() -> SharedDeskCounts {
    let session = use_session();
    let counts = crate::busy::load(move || {
        let signed_in = session.current().is_some();
        async move {
            if signed_in {
                api::conversations::counts().await.ok()
            } else {
                None
            }
        }
    });
    let realtime = use_realtime();
    Effect::new(move |_| {
        let Some(event) = realtime.last.get() else { return };
        if event.touches_desk() {
            counts.refetch();
        }
    });
    let shared = SharedDeskCounts(counts);
    provide_context(shared);
    shared
}

/// A length of time for stats: seconds under a minute, else minutes.
pub fn span_text(secs: Option<i64>) -> String {
    let min = crate::i18n::current_lang();
    let unit = Msg::MinutesShort.text(min);
    match secs {
        None => "—".into(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) => format!("{} {unit}", (s + 30) / 60),
    }
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = use_params_map();
    let tab = Memo::new(move |_| Tab::from_query(query.get().get("tab")));
    let open_id = Memo::new(move |_| params.get().get("id").and_then(|id| id.parse::<uuid::Uuid>().ok()));
    // The All tab's filters live in the URL (`all::link_filters`).
    let filters =
        Memo::new(move |_| if tab.get() == Tab::All { all::api_filters(&query.get()) } else { String::new() });
    // Pages shown ("Load more" adds one); a refetch reloads them all, so live updates keep
    // every loaded page current. Back to one page when the tab or the filters change.
    let pages = RwSignal::new(1usize);
    Effect::new(move |_| {
        let _ = (tab.get(), filters.get());
        if pages.get_untracked() != 1 {
            pages.set(1);
        }
    });
    let list = crate::busy::load(move || {
        let (tab, filters, pages) = (tab.get(), filters.get(), pages.get());
        async move {
            let mut all = api::conversations::list(tab.code(), &filters, None).await?;
            for _ in 1..pages {
                let Some(cursor) = all.next_cursor.take() else { break };
                let more = api::conversations::list(tab.code(), &filters, Some(&cursor)).await?;
                all.items.extend(more.items);
                all.next_cursor = more.next_cursor;
            }
            Ok::<_, ApiError>(all)
        }
    });
    let counts = expect_context::<SharedDeskCounts>().0;
    let directory = Directory::new();
    let realtime = use_realtime();
    let toasts = use_toasts();
    Effect::new(move |_| {
        let Some(event) = realtime.last.get() else { return };
        if event.touches_desk() {
            list.refetch();
        }
        match event.kind() {
            domain::EventKind::ConversationWaiting => toasts.show(i18n.t(Msg::NewChatArrived).to_string(), None),
            domain::EventKind::ConversationOffered => toasts.show(i18n.t(Msg::ChatOffered).to_string(), None),
            _ => {}
        }
    });
    let tab_link = move |t: Tab, label: Msg| {
        let count = move || {
            counts.get().flatten().map(|c| match t {
                Tab::Inbox => c.inbox,
                Tab::Mine => c.awaiting_reply,
                Tab::All => 0,
            })
        };
        view! {
            <a class="tab" class:active=move || tab.get() == t href=format!("/conversations?tab={}", t.code())
                aria-current=move || (tab.get() == t).then_some("page") data-tab=t.code()>
                {i18n.tr(label)}
                {move || count().filter(|n| *n > 0).map(|n| view! { " " <span class="count">{n}</span> })}
            </a>
        }
    };

    view! {
        <div class="desk" class:has-open=move || open_id.get().is_some() on:click=|_| crate::alerts::on_desk_click()>
            <section class="desk-list">
                <div class="page-head">
                    <h1>{i18n.tr(Msg::NavConversations)}</h1>
                    <PresenceSwitch/>
                    <SoundSwitch/>
                </div>
                <nav class="tabs" aria-label=i18n.tr(Msg::DeskTabs)>
                    {tab_link(Tab::Inbox, Msg::DeskInbox)}
                    {tab_link(Tab::Mine, Msg::DeskMine)}
                    {tab_link(Tab::All, Msg::DeskAll)}
                </nav>
                <Show when=move || tab.get() == Tab::All>
                    <all::AllFilters directory=directory/>
                </Show>
                {move || list.get().map(|res| match res {
                    Ok(l) => view! {
                        <ConversationItems list=l.clone() tab=tab.get() open_id=open_id directory=directory on_changed=Callback::new(move |_| { list.refetch(); counts.refetch(); })/>
                        {l.next_cursor.is_some().then(|| view! {
                            <button class="secondary load-more" data-testid="load-more" on:click=move |_| pages.update(|p| *p += 1)>
                                {i18n.tr(Msg::LoadMore)}
                            </button>
                        })}
                        {l.totals.map(|t| view! { <all::TotalsLine totals=t/> })}
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.summary()}</p> }.into_any(),
                })}
            </section>
            <section class="desk-pane">
                {move || match open_id.get() {
                    Some(id) => view! { <conversation::ConversationPane id=id tab=tab.get() directory=directory/> }.into_any(),
                    None => view! { <p class="muted desk-pick">{i18n.tr(Msg::DeskPick)}</p> }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn ConversationItems(
    list: ConversationList,
    tab: Tab,
    open_id: Memo<Option<uuid::Uuid>>,
    directory: Directory,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let empty = match tab {
        Tab::Inbox => Msg::DeskEmptyInbox,
        Tab::Mine => Msg::DeskEmptyMine,
        Tab::All => Msg::DeskEmptyAll,
    };
    if list.items.is_empty() {
        return view! { <p class="muted" data-testid="desk-empty">{i18n.tr(empty)}</p> }.into_any();
    }
    view! {
        <ul class="conv-list" data-testid="conversation-list">
            {list.items.into_iter().map(|c| view! { <ConversationItem c=c tab=tab open_id=open_id directory=directory on_changed=on_changed/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ConversationItem(
    c: ConversationSummary,
    tab: Tab,
    open_id: Memo<Option<uuid::Uuid>>,
    directory: Directory,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let label = c.contact_label.clone();
    let where_from = [c.site_name.clone(), c.page_url.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let when = match (tab, c.waiting_since, c.closed_at) {
        (Tab::Inbox, Some(w), _) => Some(format!(
            "{} {} {}",
            minutes_since(w),
            i18n.t(Msg::MinutesShort),
            i18n.t(Msg::WaitingSince).to_lowercase()
        )),
        (Tab::All, _, Some(closed)) => Some(short(closed)),
        _ => c.last_message_at.map(short),
    };
    // A waiting chat on a site with a reply target shows its live clock instead.
    let clock = match (tab, c.waiting_since, c.sla_due_at) {
        (Tab::Inbox, Some(since), Some(due)) => Some(view! { <SlaTimer since=since due=due/> }.into_any()),
        _ => None,
    };
    // A chat offered to the caller first shows the time left before it goes to the team.
    let offered = (tab == Tab::Mine && c.status == ConversationStatus::Waiting).then_some(c.offer_expires_at).flatten();
    let clock = clock.or(offered.map(|until| view! { <OfferCountdown until=until/> }.into_any()));
    let when = if clock.is_some() { None } else { when };
    let awaiting = c.last_message_from_visitor && c.status == ConversationStatus::Active;
    let owner = c.owner_id;
    view! {
        <li class="conv-item" class:current=move || open_id.get() == Some(id) class:awaiting=awaiting data-id=id.to_string()>
            <a href=format!("/conversations/{id}?tab={}{}", tab.code(), all::link_filters(&use_query_map().get_untracked()))>
                <strong>{move || label.clone().unwrap_or_else(|| i18n.t(Msg::AnonymousVisitor).to_string())}</strong>
                <small class="muted">{where_from}</small>
                {c.last_message.clone().map(|m| view! { <span class="last-msg">{m}</span> })}
                {clock}
                <small class="muted">
                    {when}
                    {(tab == Tab::All).then(|| view! { " · " {move || directory.user_name(owner)} })}
                </small>
            </a>
            {(tab == Tab::Inbox || offered.is_some()).then(|| view! { <InboxActions id=id offered=offered.is_some() on_changed=on_changed/> })}
        </li>
    }
}

/// Accept and Ignore, right in the Inbox; for a chat offered to the caller, Accept and
/// "Pass to the team" (the same request as Ignore: it goes to the shared Inbox at once).
#[component]
fn InboxActions(id: uuid::Uuid, offered: bool, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let accepting = Task::new(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::conversations::act(id, api::conversations::OperatorAction::Accept, None).await {
                // Opened only if the operator is still on the desk: one who went elsewhere
                // while the answer came is not pulled back (the chat waits in My chats).
                Ok(_) if still_on_desk() => navigate(&format!("/conversations/{id}?tab=mine"), Default::default()),
                Ok(_) => {}
                Err(e) if e.status == 409 && e.field("max_open_chats").is_some() => {
                    toasts.show(i18n.t(Msg::AtChatLimit).to_string(), None)
                }
                Err(e) if e.status == 409 => toasts.show(i18n.t(Msg::TakenByColleague).to_string(), None),
                Err(e) => toasts.show(e.summary(), None),
            }
            // The list may be gone (the operator left, or the chat opened in My chats).
            on_changed.try_run(());
        }
    });
    let ignoring = Task::new(move |_: &()| async move {
        if let Err(e) = api::conversations::ignore(id).await {
            toasts.show(e.summary(), None);
        }
        on_changed.try_run(());
    });
    let busy = move || accepting.pending().get() || ignoring.pending().get();
    view! {
        <div class="row-actions">
            <button data-testid="accept" disabled=busy on:click=move |_| { accepting.dispatch(()); }>{i18n.tr(Msg::Accept)}</button>
            <button class="secondary" data-testid="ignore" disabled=busy on:click=move |_| { ignoring.dispatch(()); }>{move || i18n.t(if offered { Msg::PassToTeam } else { Msg::Ignore })}</button>
        </div>
    }
}

/// The user's own choice of a chime for new chats, transfers, invitations and replies
/// (`alerts`); on unless turned off.
#[component]
fn SoundSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let on = move || session.current().is_none_or(|u| u.sound_alerts);
    let setting = Task::new(move |sound: &bool| {
        let sound = *sound;
        async move {
            match api::users::set_alerts(sound).await {
                Ok(user) => session.user.set(Some(Some(user))),
                Err(e) => toasts.show(e.summary(), None),
            }
        }
    });
    view! {
        <label class="check sound-switch">
            <input type="checkbox" data-testid="sound-alerts" prop:checked=on disabled=setting.pending()
                on:change:target=move |ev| { setting.dispatch(ev.target().checked()); }/>
            {i18n.tr(Msg::SoundAlerts)}
        </label>
    }
}

/// Online / Away / Offline for live chat.
#[component]
fn PresenceSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = move || session.current().map(|u| u.presence).unwrap_or(Presence::Offline);
    let toasts = use_toasts();
    let setting = Task::new(move |presence: &Presence| {
        let presence = *presence;
        async move {
            match api::users::set_presence(presence).await {
                Ok(user) => session.user.set(Some(Some(user))),
                Err(e) => toasts.show(e.summary(), None),
            }
        }
    });
    let set = move |value: String| {
        setting.dispatch(match value.as_str() {
            "online" => Presence::Online,
            "away" => Presence::Away,
            _ => Presence::Offline,
        });
    };
    view! {
        <label class="presence" data-presence=move || current().as_str()>
            <span class="dot" aria-hidden="true"></span>
            <span class="sr-only">{i18n.tr(Msg::Presence)}</span>
            <select data-testid="presence" on:change:target=move |ev| set(ev.target().value()) prop:value=move || current().as_str()>
                <option value="online">{i18n.tr(Msg::PresenceOnline)}</option>
                <option value="away">{i18n.tr(Msg::PresenceAway)}</option>
                <option value="offline">{i18n.tr(Msg::PresenceOffline)}</option>
            </select>
        </label>
    }
}

/// Whether the page shown is still the desk (an `await` may have outlived it).
fn still_on_desk() -> bool {
    web_sys::window().and_then(|w| w.location().pathname().ok()).is_some_and(|p| p.starts_with("/conversations"))
}
