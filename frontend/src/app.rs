//! Routes and the signed-in app shell.

use domain::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::api;
use crate::busy::Task;
use crate::i18n::{use_i18n, I18n};
use crate::pages::auth::SignupPage;
use crate::pages::boards::{BoardPage, BoardsPage};
use crate::pages::clients::{ClientDetailPage, ClientsPage, ImportPage};
use crate::pages::desk::DeskPage;
use crate::pages::email_links::{AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
use crate::pages::reports::ReportsPage;
use crate::pages::settings::{
    ApiKeysSettings, CannedResponsesSettings, CustomFieldsSettings, SitesSettings, UsersSettings, WebhooksSettings,
};
use crate::pages::tasks::TasksPage;
use crate::session::{use_session, Session};

#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    let session = Session { user: RwSignal::new(None) };
    provide_context(session);
    crate::toast::Toasts::provide();
    crate::realtime::provide(session);
    // A reload keeps the user signed in through the refresh cookie.
    let resumed = crate::busy::load(|| async {
        if api::may_have_session() {
            api::refresh().await.ok().map(|t| t.user)
        } else {
            None
        }
    });
    Effect::new(move || {
        if let Some(user) = resumed.get() {
            session.user.set(Some(user));
        }
    });

    view! {
        <Router>
            <NavigationFocus/>
            <crate::toast::ToastHost/>
            <Routes fallback=|| view! { <Redirect path="/clients"/> }>
                <Route path=path!("/signup") view=SignupPage/>
                <Route path=path!("/verify-email") view=VerifyEmailPage/>
                <Route path=path!("/accept-invitation") view=AcceptInvitationPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=ResetPasswordPage/>
                <Route path=path!("/") view=|| view! { <Redirect path="/clients"/> }/>
                // One shell for every signed-in page: its header, notifications and desk counts
                // are built once, not again on each navigation.
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/clients") view=ClientsPage/>
                    <Route path=path!("/clients/import") view=ImportPage/>
                    <Route path=path!("/clients/:id") view=ClientDetailPage/>
                    <Route path=path!("/conversations") view=DeskPage/>
                    <Route path=path!("/conversations/:id") view=DeskPage/>
                    <Route path=path!("/boards") view=BoardsPage/>
                    <Route path=path!("/boards/:id") view=BoardPage/>
                    <Route path=path!("/tasks") view=TasksPage/>
                    <Route path=path!("/reports") view=ReportsPage/>
                    <ParentRoute path=path!("/settings") view=Settings>
                        <Route path=path!("") view=|| view! { <Redirect path="/settings/users"/> }/>
                        <Route path=path!("/users") view=UsersSettings/>
                        <Route path=path!("/sites") view=SitesSettings/>
                        <Route path=path!("/canned-responses") view=CannedResponsesSettings/>
                        <Route path=path!("/custom-fields") view=CustomFieldsSettings/>
                        <Route path=path!("/api-keys") view=ApiKeysSettings/>
                        <Route path=path!("/webhooks") view=WebhooksSettings/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// After every client-side navigation (not the first page of a visit, where the skip link is
/// the first stop), focus moves to the new page's heading and its text is announced.
#[component]
fn NavigationFocus() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |first_run: Option<()>| {
        location.pathname.with(|_| ());
        if first_run.is_some() {
            crate::focus::focus_page_heading();
        }
    });
    // One live region for the whole visit: a region created with its text is not announced.
    view! { <div class="sr-only" role="status" aria-live="polite" id="announcer"></div> }
}

/// Header, navigation and the page (the child route's, in the `Outlet`); sends signed-out
/// visitors to the login page.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    crate::pages::desk::provide_counts();
    crate::alerts::provide(session);
    // The login page is not part of the app (frontend/login.js): a whole page load, which
    // brings the visitor back here once signed in.
    Effect::new(move |_| {
        if session.user.get() == Some(None) {
            let location = web_sys::window().map(|w| w.location());
            let here = location.as_ref().map(|l| l.pathname().unwrap_or_default() + &l.search().unwrap_or_default());
            open_login(Some(&here.unwrap_or_default()));
        }
    });
    let logging_out = Task::new(move |_: &()| async move {
        api::logout().await;
        open_login(None);
    });
    let logout = move |_| {
        logging_out.dispatch(());
    };
    let menu_open = RwSignal::new(false);
    // The shell outlives its pages: a navigation closes the phone menu it was chosen from.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });

    view! {
        <Show when=move || session.current().is_some() fallback=move || view! { <p class="loading" role="status">{i18n.tr(Msg::Loading)}</p> }>
            <a class="skip-link" href="#main" on:click=move |ev| { ev.prevent_default(); crate::focus::focus_by_id("main"); }>
                {i18n.tr(Msg::SkipToContent)}
            </a>
            <header class="topbar">
                <a class="brand" href="/clients">{i18n.tr(Msg::AppName)}</a>
                <span class="spacer"></span>
                <NotificationsMenu/>
                <button class="menu-toggle secondary" aria-controls="app-menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z"/></svg>
                    <span>{i18n.tr(Msg::Menu)}</span>
                </button>
                <div id="app-menu" class="menu" class:open=move || menu_open.get()>
                    <nav class="mainnav" aria-label=i18n.tr(Msg::MainNavigation)>
                        <A href="/clients">{i18n.tr(Msg::NavClients)}</A>
                        <A href="/conversations">{i18n.tr(Msg::NavConversations)}<DeskBadge/></A>
                        <A href="/boards">{i18n.tr(Msg::NavBoards)}</A>
                        <A href="/tasks">{i18n.tr(Msg::NavTasks)}</A>
                        <A href="/reports">{i18n.tr(Msg::NavReports)}</A>
                        <A href="/settings">{i18n.tr(Msg::NavSettings)}</A>
                    </nav>
                    <div class="account">
                        <LangSwitch/>
                        <span class="who" data-testid="current-user">{move || session.current().map(|u| u.name).unwrap_or_default()}</span>
                        <button class="link" on:click=logout>{i18n.tr(Msg::LogOut)}</button>
                    </div>
                </div>
            </header>
            <main id="main" class="content" tabindex="-1"><Outlet/></main>
        </Show>
    }
}

/// Leaves the app for the login page, which returns to `next` after signing in.
fn open_login(next: Option<&str>) {
    let url = match next {
        Some(next) => format!("/login?next={}", api::encode(next)),
        None => "/login".to_string(),
    };
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&url);
    }
}

/// Waiting plus unanswered conversations, next to "Conversations".
#[component]
fn DeskBadge() -> impl IntoView {
    let counts = expect_context::<crate::pages::desk::SharedDeskCounts>().0;
    let n = move || counts.get().flatten().map(|c| c.inbox + c.awaiting_reply).unwrap_or(0);
    view! { <span class="badge" class:zero=move || n() == 0 data-testid="desk-badge">{n}</span> }
}

#[component]
fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="settings">
            <nav class="subnav" aria-label=i18n.tr(Msg::NavSettings)>
                <A href="/settings/users">{i18n.tr(Msg::Users)}</A>
                <A href="/settings/sites">{i18n.tr(Msg::Sites)}</A>
                <A href="/settings/canned-responses">{i18n.tr(Msg::CannedResponses)}</A>
                <A href="/settings/custom-fields">{i18n.tr(Msg::CustomFields)}</A>
                <A href="/settings/api-keys">{i18n.tr(Msg::ApiKeys)}</A>
                <A href="/settings/webhooks">{i18n.tr(Msg::Webhooks)}</A>
                <a href="/api/docs/" target="_blank">{i18n.tr(Msg::ApiDocs)}</a>
            </nav>
            <section class="panel"><Outlet/></section>
        </div>
    }
}

/// The bell: unread count and the latest notifications; a click opens the client.
#[component]
fn NotificationsMenu() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let list = crate::busy::load(api::notifications::list);
    let navigate = use_navigate();
    let reading_all = Task::new(move |_: &()| async move {
        let _ = api::notifications::read_all().await;
        list.refetch();
    });
    let read_all = move |_| {
        reading_all.dispatch(());
    };
    let reading = Task::new(move |id: &uuid::Uuid| {
        let id = *id;
        async move {
            let _ = api::notifications::read(id).await;
            list.refetch();
        }
    });
    let unread = move || list.get().and_then(|r| r.ok()).map(|l| l.unread).unwrap_or(0);
    // Live: every kind of notification (a transfer, an invitation, a task…) reaches the bell
    // as it is made, and a stream that reconnected (`Reset`) re-reads it.
    let realtime = crate::realtime::use_realtime();
    Effect::new(move |_| {
        use domain::events::EventKind;
        let Some(kind) = realtime.last.get().map(|e| e.kind()) else { return };
        if kind == EventKind::NotificationCreated || kind == EventKind::Reset {
            list.refetch();
        }
    });
    // The unread count in the tab's title, for an operator working in another tab.
    Effect::new(move |_| crate::focus::show_unread(unread()));
    view! {
        <div class="bell">
            <button class="link" data-testid="notifications" aria-label=i18n.tr(Msg::Notifications)
                on:click=move |_| { open.update(|o| *o = !*o); list.refetch(); }>
                <svg class="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/>
                </svg>
                <span class="badge" class:zero=move || unread() == 0>{unread}</span>
            </button>
            <Show when=move || open.get()>
                <div class="dropdown" data-testid="notification-list">
                    <button class="link" on:click=read_all>{i18n.tr(Msg::MarkAllRead)}</button>
                    {
                        let navigate = navigate.clone();
                        move || list.get().and_then(|r| r.ok()).map(|l| l.items.into_iter().map(|n| {
                            let navigate = navigate.clone();
                            let (id, contact) = (n.id, n.contact_id);
                            let task = n.kind.starts_with("task_");
                            let go = move |_| {
                                open.set(false);
                                reading.dispatch(id);
                                if task {
                                    navigate("/tasks", Default::default());
                                } else if let Some(c) = contact {
                                    navigate(&format!("/clients/{c}"), Default::default());
                                }
                            };
                            let about = |what: Msg, who: Option<String>| domain::text::about_client(i18n.t(what), who.as_deref());
                            let text = match n.kind.as_str() {
                                "contact_assigned" => about(Msg::NotifContactAssigned, n.contact_label),
                                "chat_sla_breached" => about(Msg::NotifChatSlaBreached, n.contact_label),
                                "lead_sla_breached" => about(Msg::NotifLeadSlaBreached, n.contact_label),
                                "chat_offered" => about(Msg::NotifChatOffered, n.contact_label),
                                "chat_rerouted_to_you" => about(Msg::NotifChatReroutedToYou, n.contact_label),
                                "chat_rerouted_away" => about(Msg::NotifChatReroutedAway, n.contact_label),
                                "lead_rerouted_away" => about(Msg::NotifLeadReroutedAway, n.contact_label),
                                "conversation_transferred" => about(Msg::NotifConversationTransferred, n.contact_label),
                                "conversation_invited" => about(Msg::NotifConversationInvited, n.contact_label),
                                "task_assigned" => format!("{}: {}", i18n.t(Msg::NotifTaskAssigned), n.title),
                                "task_due" => format!("{}: {}", i18n.t(Msg::NotifTaskDue), n.title),
                                _ => n.title,
                            };
                            view! { <button class="note-item" class:unread=!n.read on:click=go>{text}</button> }
                        }).collect_view())
                    }
                </div>
            </Show>
        </div>
    }
}

/// English / Português switch, remembered in the browser.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select class="lang" aria-label=i18n.tr(Msg::Language)
            on:change:target=move |ev| {
                i18n.set(Lang::from_tag(&ev.target().value()));
                // A session refresh tells the server at once, for the next e-mail.
                if api::may_have_session() {
                    leptos::task::spawn_local(async { let _ = api::refresh().await; });
                }
            }
            prop:value=move || i18n.lang.get().code()>
            <option value="en">"English"</option>
            <option value="pt-BR">"Português"</option>
        </select>
    }
}
