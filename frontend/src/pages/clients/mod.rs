//! Clients: the lead list with status tabs and filters, and the client detail screen.

mod bulk;
mod detail;
pub mod filter;
mod import;
mod merge;
mod new_client;

pub use detail::ClientDetailPage;
pub use import::ImportPage;

use domain::i18n::Msg;
use domain::{Channel, ContactStatus, ContactSummary, StatusCounts};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::saved_filters::FilterHome;
use crate::api::{self, ApiError};
use crate::busy::Busy;
use crate::components::saved_filters::SavedFilters;
pub use crate::components::{phone_text, short, Directory};
use crate::i18n::use_i18n;
use crate::pages::form_error;
use crate::session::use_session;
use bulk::{BulkBar, Selection};
use filter::{api_query, status_msg, ui_from_api, ui_query, ui_query_with};
use new_client::NewClientForm;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let directory = Directory::new();
    let api_qs = Memo::new(move |_| api_query(&query.get()));
    let items = RwSignal::new(Vec::<ContactSummary>::new());
    let next = RwSignal::new(None::<String>);
    let counts = RwSignal::new(StatusCounts::default());
    let error = RwSignal::new(None::<ApiError>);
    // The first page under the filter: the resource keeps the newest filter's answer only, so a
    // slower answer to an older filter never shows.
    let first_page = crate::busy::load(move || {
        let qs = api_qs.get();
        async move { api::contacts::list(&qs, None).await }
    });
    let loading = move || first_page.get().is_none();
    let selection = Selection::new();
    Effect::new(move || match first_page.get() {
        Some(Ok(page)) => {
            selection.clear();
            items.set(page.items);
            next.set(page.next_cursor);
            counts.set(page.counts);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let loading_more = Busy::new();
    let load_more = move |_| {
        let (qs, cursor) = (api_qs.get_untracked(), next.get_untracked().unwrap_or_default());
        loading_more.run(async move {
            match api::contacts::list(&qs, Some(&cursor)).await {
                Ok(page) => {
                    items.update(|all| all.extend(page.items));
                    next.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let exporting = Busy::new();
    // What Brazilian Excel opens as columns, for a Portuguese screen; the plain file otherwise.
    let brazilian = i18n.lang.get_untracked() == domain::i18n::Lang::PtBr;
    let export_format = RwSignal::new(String::from(if brazilian { "excel_br" } else { "csv" }));

    let total_of = move |c: StatusCounts, status: Option<ContactStatus>| match status {
        None => c.to_contact + c.in_progress + c.won + c.lost,
        Some(ContactStatus::ToContact) => c.to_contact,
        Some(ContactStatus::InProgress) => c.in_progress,
        Some(ContactStatus::Won) => c.won,
        Some(ContactStatus::Lost) => c.lost,
    };
    let matching = Signal::derive(move || {
        let status = query.with(|q| q.get("status").and_then(|s| ContactStatus::parse(&s)));
        total_of(counts.get(), status)
    });
    let tab = move |status: Option<ContactStatus>| {
        let value = status.map(|s| s.as_str()).unwrap_or("");
        let href = move || format!("/clients?{}", ui_query_with(&query.get(), "status", value));
        let active = move || query.get().get("status").unwrap_or_default() == value;
        let count = move || total_of(counts.get(), status);
        let label = move || i18n.t(status.map(status_msg).unwrap_or(Msg::All));
        view! {
            <a href=href class="tab" class:active=active data-status=value>
                {label}" "<span class="count">{count}</span>
            </a>
        }
    };

    let rows = move || {
        let qs = ui_query(&query.get());
        items
            .get()
            .into_iter()
            .map(|c| {
                let href = format!("/clients/{}?{qs}", c.id);
                let status = c.status;
                let (site, assignee, id) = (c.site_id, c.assignee_id, c.id);
                let pick = i18n.t(Msg::SelectClient).replace("{name}", c.name.as_deref().unwrap_or("—"));
                view! {
                    <tr data-contact=c.email.clone().or(c.phone.clone()).unwrap_or_default()>
                        <td class="pick"><input type="checkbox" aria-label=pick on:change=move |_| selection.toggle(id)
                            prop:checked=move || selection.all_matching.get() || selection.ids.with(|s| s.contains(&id))/></td>
                        <td><a href=href>{c.name.clone().unwrap_or_else(|| "—".into())}</a></td>
                        <td>{c.email.clone()}</td>
                        <td class="phone">{c.phone.as_deref().map(phone_text)}</td>
                        <td>{move || directory.site_name(site)}</td>
                        <td>{c.source.clone()}{c.medium.clone().map(|m| format!(" / {m}"))}</td>
                        <td class="status"><span class="status-badge" data-status=status.as_str()>{move || i18n.t(status_msg(status))}</span></td>
                        // Each tag filters the list by it.
                        <td class="tags">{c.tags.iter().map(|t| view! {
                            <a class="tag" href=format!("/clients?tag={}", crate::api::encode(t))>{t.clone()}</a>
                        }).collect_view()}</td>
                        <td>{move || directory.user_name(assignee)}</td>
                        <td><time datetime=c.first_contact_at.to_rfc3339()>{ let t = c.first_contact_at; move || { i18n.lang.track(); short(t) } }</time></td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <div class="clients-head">
            <h1>{i18n.tr(Msg::NavClients)}</h1>
            <span class="spacer"></span>
            <select class="export-format" name="export_format" aria-label=i18n.tr(Msg::ExportFormat) bind:value=export_format>
                <option value="csv">"CSV"</option>
                <option value="excel_br">"Excel (Brasil)"</option>
            </select>
            <button class="secondary" data-testid="export" disabled=exporting.pending()
                on:click=move |_| {
                    let mut qs = api_qs.get_untracked();
                    if export_format.get_untracked() == "excel_br" {
                        // `;`, a byte-order mark, Portuguese words and local dd/mm/yyyy HH:MM.
                        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
                        qs.push_str(&format!("&separator=semicolon&bom=true&lang=pt-BR&dates=dmy&utc_offset={offset}"));
                    }
                    exporting.run(async move {
                        if let Err(e) = api::contacts::export_csv(&qs).await {
                            error.set(Some(e));
                        }
                    });
                }>{i18n.tr(Msg::ExportCsv)}</button>
            <Show when=move || session.is_admin()>
                <a class="button secondary" href="/clients/import">{i18n.tr(Msg::ImportCsv)}</a>
            </Show>
            <NewClientForm directory=directory/>
        </div>
        <nav class="tabs" data-testid="status-tabs">
            {tab(None)}
            {ContactStatus::ALL.map(|s| tab(Some(s)))}
        </nav>
        <FilterBar directory=directory/>
        {form_error(error)}
        <Show when=move || selection.all_matching.get() || selection.ids.with(|s| !s.is_empty())>
            <BulkBar selection=selection directory=directory matching=matching query=api_qs
                done=Callback::new(move |_| first_page.refetch())/>
        </Show>
        <div class="table-scroll" tabindex="0">
        <table class="grid clients" data-testid="clients-table" on:keydown=crate::focus::move_between_rows>
            <thead><tr>
                <th class="pick"><input type="checkbox" aria-label=i18n.tr(Msg::SelectPage) data-testid="select-page"
                    prop:checked=move || !items.with(Vec::is_empty) && items.with(|all| selection.ids.with(|s| all.iter().all(|c| s.contains(&c.id))))
                    on:change=move |ev| {
                        selection.all_matching.set(false);
                        selection.ids.set(if event_target_checked(&ev) { items.with(|all| all.iter().map(|c| c.id).collect()) } else { Vec::new() });
                    }/></th>
                <th>{i18n.tr(Msg::Name)}</th><th>{i18n.tr(Msg::Email)}</th><th>{i18n.tr(Msg::Phone)}</th>
                <th>{i18n.tr(Msg::Site)}</th><th>{i18n.tr(Msg::Source)}</th><th>{i18n.tr(Msg::Status)}</th>
                <th>{i18n.tr(Msg::Tags)}</th><th>{i18n.tr(Msg::Assignee)}</th><th>{i18n.tr(Msg::FirstContact)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
        <Show when=move || !loading() && items.with(Vec::is_empty)>
            <p class="muted">{i18n.tr(Msg::NoClients)}</p>
        </Show>
        <Show when=move || next.with(Option::is_some)>
            <button class="secondary" on:click=load_more>{i18n.tr(Msg::LoadMore)}</button>
        </Show>
    }
}

/// The filter inputs; applying them rewrites the URL, which reloads the list.
#[component]
fn FilterBar(directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let field = |key: &'static str| RwSignal::new(query.get_untracked().get(key).unwrap_or_default());
    let q = field("q");
    let site = field("site_id");
    let assignee = field("assignee_id");
    let tag = field("tag");
    let source = field("source");
    let medium = field("medium");
    let channel = field("channel");
    let rating = field("rating");
    let from = field("from");
    let to = field("to");
    let sort = field("sort");
    let has_tasks = field("has_open_tasks");
    let has_deals = field("has_deals");
    let inputs: [(&str, RwSignal<String>); 13] = [
        ("has_open_tasks", has_tasks),
        ("has_deals", has_deals),
        ("sort", sort),
        ("q", q),
        ("site_id", site),
        ("assignee_id", assignee),
        ("tag", tag),
        ("source", source),
        ("medium", medium),
        ("channel", channel),
        ("rating", rating),
        ("from", from),
        ("to", to),
    ];
    // The inputs follow the URL (a saved filter applied, back and forward).
    Effect::new(move |_| {
        let map = query.get();
        for (key, signal) in inputs {
            signal.set(map.get(key).unwrap_or_default());
        }
    });
    let apply = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut map = query.get_untracked();
            for (key, signal) in inputs {
                map.replace(key, signal.get_untracked());
            }
            navigate(&format!("/clients?{}", ui_query(&map)), Default::default());
        }
    };
    // Saved filters keep the API's query, so that they are list filters an integration could use.
    let current = Callback::new(move |()| api_query(&query.get_untracked()));
    let apply_saved = {
        let navigate = navigate.clone();
        Callback::new(move |qs: String| navigate(&format!("/clients?{}", ui_from_api(&qs)), Default::default()))
    };
    let clear = move |_| {
        for (_, signal) in inputs {
            signal.set(String::new());
        }
        let status = query.get_untracked().get("status").unwrap_or_default();
        navigate(
            &format!("/clients?{}", if status.is_empty() { String::new() } else { format!("status={status}") }),
            Default::default(),
        );
    };

    // On a phone the filters wait behind a button, so the first screen shows clients.
    let open = RwSignal::new(false);
    let active = move || inputs.iter().filter(|(key, signal)| *key != "sort" && !signal.get().is_empty()).count();
    view! {
        <button type="button" class="filters-toggle secondary" aria-controls="client-filters"
            aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {i18n.tr(Msg::Filters)}
            {move || (active() > 0).then(|| format!(" ({})", active()))}
        </button>
        <form class="filters" id="client-filters" class:open=move || open.get() data-testid="filters" on:submit=apply>
            <input class="search" type="search" name="q" placeholder=i18n.tr(Msg::Search) bind:value=q/>
            <select name="sort" aria-label=i18n.tr(Msg::Sort) bind:value=sort>
                <option value="">{i18n.tr(Msg::Newest)}</option>
                <option value="oldest">{i18n.tr(Msg::Oldest)}</option>
            </select>
            <select name="site_id" aria-label=i18n.tr(Msg::Site) bind:value=site>
                <option value="">{i18n.tr(Msg::AnySite)}</option>
                {directory.site_options()}
            </select>
            <Show when=move || session.is_admin()>
                <select name="assignee_id" aria-label=i18n.tr(Msg::Assignee) bind:value=assignee>
                    <option value="">{i18n.tr(Msg::Anyone)}</option>
                    {directory.user_options()}
                </select>
            </Show>
            <select name="channel" aria-label=i18n.tr(Msg::Channel) bind:value=channel>
                <option value="">{i18n.tr(Msg::AnyChannel)}</option>
                {Channel::ALL.map(|c| view! { <option value=c.as_str()>{move || i18n.t(domain::labels::channel_msg(c))}</option> })}
            </select>
            <select name="rating" aria-label=i18n.tr(Msg::MinRating) bind:value=rating>
                <option value="">{i18n.tr(Msg::MinRating)}</option>
                {(1..=5).map(|r| view! { <option value=r.to_string()>{"★".repeat(r)}</option> }).collect_view()}
            </select>
            <input name="tag" placeholder=i18n.tr(Msg::Tag) bind:value=tag/>
            <input name="source" placeholder=i18n.tr(Msg::Source) bind:value=source/>
            <input name="medium" placeholder=i18n.tr(Msg::Medium) bind:value=medium/>
            <label class="date">{i18n.tr(Msg::HasOpenTasks)}
                <select name="has_open_tasks" bind:value=has_tasks>
                    <option value="">{i18n.tr(Msg::All)}</option>
                    <option value="true">{i18n.tr(Msg::Yes)}</option>
                    <option value="false">{i18n.tr(Msg::No)}</option>
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::HasDeals)}
                <select name="has_deals" bind:value=has_deals>
                    <option value="">{i18n.tr(Msg::All)}</option>
                    <option value="true">{i18n.tr(Msg::Yes)}</option>
                    <option value="false">{i18n.tr(Msg::No)}</option>
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::FromDate)}<input type="date" name="from" bind:value=from/></label>
            <label class="date">{i18n.tr(Msg::ToDate)}<input type="date" name="to" bind:value=to/></label>
            <button type="submit">{i18n.tr(Msg::Apply)}</button>
            <button type="button" class="link" on:click=clear>{i18n.tr(Msg::Clear)}</button>
        </form>
        <SavedFilters home=FilterHome::Clients current=current apply=apply_saved open=open/>
    }
}
