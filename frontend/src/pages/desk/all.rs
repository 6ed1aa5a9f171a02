//! The All tab's filters and totals.

use domain::i18n::Msg;
use domain::ConversationTotals;
use leptos::prelude::*;

use super::super::clients::filter::encode;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::components::Directory;
use crate::i18n::use_i18n;

/// The All tab's filters, kept in the URL as typed (days, words), so opening a result and
/// coming back finds them again.
const KEYS: [&str; 7] = ["q", "site_id", "operator_id", "from", "to", "tag", "rating"];

/// `&key=value…` of the filters in the URL's `query`, for links that keep them.
pub fn link_filters(query: &ParamsMap) -> String {
    KEYS.iter()
        .filter_map(|k| query.get(k).filter(|v| !v.trim().is_empty()).map(|v| format!("&{k}={}", encode(v.trim()))))
        .collect()
}

/// The same for the API: a day becomes the instant that bounds it in the user's time zone.
pub fn api_filters(query: &ParamsMap) -> String {
    let day = |d: &str, end: bool| {
        d.parse::<chrono::NaiveDate>()
            .ok()
            .map(|d| if end { d.succ_opt().unwrap_or(d) } else { d })
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|dt| dt.and_local_timezone(chrono::Local).single())
            .map(|dt| dt.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    KEYS.iter()
        .filter_map(|k| {
            let v = query.get(k).filter(|v| !v.trim().is_empty())?;
            let v = match *k {
                "from" => day(v.trim(), false),
                "to" => day(v.trim(), true),
                _ => v.trim().to_string(),
            };
            (!v.is_empty()).then(|| format!("{k}={}", encode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Site, operator, dates, tag, rating and words; applying them rewrites the URL.
#[component]
pub fn AllFilters(directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let field = |key: &str| RwSignal::new(query.get_untracked().get(key).unwrap_or_default());
    let (site, operator, from, to, tag, rating, q) =
        (field("site_id"), field("operator_id"), field("from"), field("to"), field("tag"), field("rating"), field("q"));
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut map = ParamsMap::new();
        for (key, value) in [
            ("q", q),
            ("site_id", site),
            ("operator_id", operator),
            ("from", from),
            ("to", to),
            ("tag", tag),
            ("rating", rating),
        ] {
            map.insert(key, value.get_untracked());
        }
        navigate(&format!("/conversations?tab=all{}", link_filters(&map)), Default::default());
    };
    view! {
        <form class="desk-filters" on:submit=apply data-testid="all-filters">
            <label>{i18n.tr(Msg::SearchMessages)}<input type="search" name="q" bind:value=q/></label>
            <label>{i18n.tr(Msg::Site)}
                <select name="site" bind:value=site>
                    <option value="">{i18n.tr(Msg::AnySite)}</option>
                    {directory.site_options()}
                </select>
            </label>
            <label>{i18n.tr(Msg::Operator)}
                <select name="operator" bind:value=operator>
                    <option value="">{i18n.tr(Msg::AnyOperator)}</option>
                    {directory.user_options()}
                </select>
            </label>
            <label>{i18n.tr(Msg::StartedFrom)}<input type="date" name="from" bind:value=from/></label>
            <label>{i18n.tr(Msg::StartedUntil)}<input type="date" name="to" bind:value=to/></label>
            <label>{i18n.tr(Msg::Tag)}<input name="tag" bind:value=tag/></label>
            <label>{i18n.tr(Msg::Rating)}
                <select name="rating" bind:value=rating>
                    <option value="">"—"</option>
                    {(1..=5).map(|n| view! { <option value=n.to_string()>{"★".repeat(n)}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit">{i18n.tr(Msg::Apply)}</button>
        </form>
    }
}

/// "12 conversations · wait 1 min · first response 2 min · 30 min · 240 messages" (averages).
#[component]
pub fn TotalsLine(totals: ConversationTotals) -> impl IntoView {
    let i18n = use_i18n();
    let mins = super::span_text;
    let (wait, first, duration) =
        (mins(totals.avg_wait_secs), mins(totals.avg_first_response_secs), mins(totals.avg_duration_secs));
    view! {
        <dl class="totals" data-testid="totals" aria-label=i18n.tr(Msg::Totals)>
            <dt>{i18n.tr(Msg::NavConversations)}</dt><dd>{totals.conversations}</dd>
            <dt>{i18n.tr(Msg::WaitTime)}" ("{i18n.tr(Msg::Average)}")"</dt><dd>{wait}</dd>
            <dt>{i18n.tr(Msg::FirstResponse)}" ("{i18n.tr(Msg::Average)}")"</dt><dd>{first}</dd>
            <dt>{i18n.tr(Msg::Duration)}" ("{i18n.tr(Msg::Average)}")"</dt><dd>{duration}</dd>
            <dt>{i18n.tr(Msg::Messages)}</dt><dd>{totals.messages}</dd>
        </dl>
    }
}
