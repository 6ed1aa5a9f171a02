//! The All tab's filters and totals.

use domain::i18n::Msg;
use domain::ConversationTotals;
use leptos::prelude::*;

use super::super::clients::filter::encode;
use crate::components::Directory;
use crate::i18n::use_i18n;

/// Site, operator, dates, tag, rating and words: sets `filters` to the query string.
#[component]
pub fn AllFilters(filters: RwSignal<String>, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let (site, operator, from, to, tag, rating, q) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut parts = Vec::new();
        let mut add = |key: &str, value: String| {
            if !value.trim().is_empty() {
                parts.push(format!("{key}={}", encode(value.trim())));
            }
        };
        add("site_id", site.get_untracked());
        add("operator_id", operator.get_untracked());
        // Dates are days in the user's time zone.
        let day = |d: String, end: bool| {
            d.parse::<chrono::NaiveDate>()
                .ok()
                .map(|d| if end { d.succ_opt().unwrap_or(d) } else { d })
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|dt| dt.and_local_timezone(chrono::Local).single())
                .map(|dt| dt.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        add("from", day(from.get_untracked(), false));
        add("to", day(to.get_untracked(), true));
        add("tag", tag.get_untracked());
        add("rating", rating.get_untracked());
        add("q", q.get_untracked());
        filters.set(parts.join("&"));
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
