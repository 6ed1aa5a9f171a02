//! The board view's filters: they live in the URL (shareable, reloadable), are applied by
//! rewriting it, and can be saved under a name per user.

use domain::i18n::Msg;
use domain::{BoardView, UserList};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::saved_filters::FilterHome;
use crate::api::ApiError;
use crate::components::saved_filters::SavedFilters;
use crate::i18n::use_i18n;
use crate::pages::clients::filter::encode;

/// Query keys of the board filter, named as the API names them.
pub const KEYS: [&str; 15] = [
    "date_field",
    "from",
    "to",
    "order",
    "per_stage",
    "label_ids",
    "member_ids",
    "seller_ids",
    "stale",
    "has_tasks",
    "archived",
    "lost",
    "converted_client",
    "converted_service",
    "q",
];

/// The filter part of the URL, which is also the API's query.
pub fn filter_query(map: &ParamsMap) -> String {
    KEYS.iter()
        .filter_map(|k| map.get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(&v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// How many filters are set (besides order and page size).
fn active(map: &ParamsMap) -> usize {
    KEYS.iter()
        .filter(|k| !matches!(**k, "order" | "per_stage" | "date_field") && map.get(k).is_some_and(|v| !v.is_empty()))
        .count()
}

#[component]
pub fn BoardFilters(board: BoardView, users: LocalResource<Result<UserList, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let board_id = board.id;
    let field = |key: &'static str| RwSignal::new(query.get_untracked().get(key).unwrap_or_default());
    let inputs: [(&str, RwSignal<String>); 15] = KEYS.map(|k| (k, field(k)));
    let get = move |key: &str| inputs.iter().find(|(k, _)| *k == key).map(|(_, s)| *s).expect("a filter key");
    // The inputs follow the URL (a saved filter applied, back and forward).
    Effect::new(move |_| {
        let map = query.get();
        for (key, signal) in inputs {
            signal.set(map.get(key).unwrap_or_default());
        }
    });
    let go = {
        let navigate = navigate.clone();
        move |qs: String| navigate(&format!("/boards/{board_id}?{qs}"), Default::default())
    };
    let apply = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut map = ParamsMap::new();
            for (key, signal) in inputs {
                map.insert(key, signal.get_untracked());
            }
            go(filter_query(&map));
        }
    };
    let clear = {
        let go = go.clone();
        move |_| go(String::new())
    };
    let saved_home = FilterHome::Board(board_id);
    let current = Callback::new(move |()| filter_query(&query.get_untracked()));
    let apply_saved = Callback::new(move |qs: String| go(qs));
    let labels = board.labels.clone();
    let yes_no = move |key: &'static str, label: Msg, default_no: bool| {
        view! {
            <label class="date">{i18n.tr(label)}
                <select name=key bind:value=get(key)>
                    <option value="">{move || i18n.t(if default_no { Msg::No } else { Msg::All })}</option>
                    {(!default_no).then(|| view! { <option value="no">{i18n.tr(Msg::No)}</option> })}
                    <option value="yes">{i18n.tr(Msg::Yes)}</option>
                    {default_no.then(|| view! { <option value="all">{i18n.tr(Msg::All)}</option> })}
                </select>
            </label>
        }
    };
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="board-filters-toggle secondary" aria-controls="board-filters"
            aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {i18n.tr(Msg::Filters)}
            {move || { let n = active(&query.get()); (n > 0).then(|| format!(" ({n})")) }}
        </button>
        <form class="filters board-filters" id="board-filters" class:open=move || open.get() data-testid="board-filters" on:submit=apply>
            <input class="search" type="search" name="q" placeholder=i18n.tr(Msg::SearchCards)
                aria-label=i18n.tr(Msg::SearchCards) bind:value=get("q")/>
            <label class="date">{i18n.tr(Msg::DateType)}
                <select name="date_field" bind:value=get("date_field")>
                    <option value="">{i18n.tr(Msg::CardCreatedDate)}</option>
                    <option value="contact_created">{i18n.tr(Msg::ContactCreatedDate)}</option>
                </select>
            </label>
            // The range's label names the date the type above chose.
            <label class="date">{move || i18n.t(if get("date_field").get().is_empty() { Msg::CardCreatedFrom } else { Msg::ContactCreatedFrom })}
                <input type="date" name="from" bind:value=get("from")/></label>
            <label class="date">{i18n.tr(Msg::ToDate)}<input type="date" name="to" bind:value=get("to")/></label>
            <label class="date">{i18n.tr(Msg::Sort)}
                <select name="order" bind:value=get("order")>
                    <option value="">{i18n.tr(Msg::OrderManual)}</option>
                    <option value="asc">{i18n.tr(Msg::OrderAsc)}</option>
                    <option value="desc">{i18n.tr(Msg::OrderDesc)}</option>
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::PerStage)}
                <select name="per_stage" bind:value=get("per_stage")>
                    <option value="">"20"</option>
                    {["10", "50", "100", "500"].map(|n| view! { <option value=n>{n}</option> })}
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::BoardLabels)}
                <select name="label_ids" bind:value=get("label_ids")>
                    <option value="">{i18n.tr(Msg::All)}</option>
                    {labels.into_iter().map(|l| view! { <option value=l.id.to_string()>{l.name}</option> }).collect_view()}
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::Members)}
                <select name="member_ids" bind:value=get("member_ids")>
                    <option value="">{i18n.tr(Msg::Anyone)}</option>
                    {crate::components::user_options(users)}
                </select>
            </label>
            <label class="date">{i18n.tr(Msg::Sellers)}
                <select name="seller_ids" bind:value=get("seller_ids")>
                    <option value="">{i18n.tr(Msg::Anyone)}</option>
                    {crate::components::user_options(users)}
                </select>
            </label>
            {yes_no("stale", Msg::StaleFilter, false)}
            {yes_no("has_tasks", Msg::HasTasksFilter, false)}
            {yes_no("archived", Msg::ArchivedFilter, true)}
            {yes_no("lost", Msg::LostFilter, false)}
            {yes_no("converted_client", Msg::ConvertedClient, false)}
            {yes_no("converted_service", Msg::ConvertedService, false)}
            <button type="submit">{i18n.tr(Msg::Apply)}</button>
            <button type="button" class="link" on:click=clear>{i18n.tr(Msg::Clear)}</button>
        </form>
        <SavedFilters home=saved_home current=current apply=apply_saved open=open/>
    }
}
