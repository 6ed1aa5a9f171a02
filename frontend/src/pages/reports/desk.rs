//! The Reports screen's live-chat part: chats, missed chats, waits, a weekday-by-hour grid
//! and a table per operator, for the same period and filters as the rest of the screen.

use domain::i18n::{Lang, Msg};
use domain::reports::{conversion_percent, DeskReport};
use leptos::prelude::*;

use super::{change_text, duration_text, tile};
use crate::api::{self, ApiError};
use crate::components::chart::{Chart, ChartFigure, Series, Shape, Tone};
use crate::i18n::use_i18n;

const WEEKDAYS: [Msg; 7] =
    [Msg::Monday, Msg::Tuesday, Msg::Wednesday, Msg::Thursday, Msg::Friday, Msg::Saturday, Msg::Sunday];

fn heatmap(r: &DeskReport, lang: Lang) -> Chart {
    let count = |weekday: u8, hour: u8| {
        r.heatmap.iter().find(|c| c.weekday == weekday && c.hour == hour).map_or(0, |c| c.count)
    };
    Chart {
        title: Msg::ChartChatsHeatmap.text(lang).into(),
        category_label: Msg::AxisWeekday.text(lang).into(),
        value_label: Msg::AxisHour.text(lang).into(),
        categories: WEEKDAYS.iter().map(|d| d.text(lang).to_string()).collect(),
        series: (0..24u8)
            .map(|hour| Series {
                name: format!("{hour}h"),
                values: (1..=7u8).map(|weekday| count(weekday, hour)).collect(),
                tone: Tone::Main,
            })
            .collect(),
    }
}

#[component]
pub fn DeskSection(query: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let desk: LocalResource<Result<DeskReport, ApiError>> = crate::busy::load(move || {
        let q = query.get();
        async move { api::reports::desk(&q).await }
    });
    let now = move || desk.get().and_then(Result::ok);
    let grid = Signal::derive(move || now().map(|r| heatmap(&r, i18n.lang.get())));
    let tiles = move || {
        let lang = i18n.lang.get();
        now().map(|r| {
            let headline = |label: Msg, value: String, note: String, testid| tile(label.text(lang), value, note, testid);
            let p90 = |secs: Option<i64>| format!("{} {}", Msg::P90.text(lang), duration_text(secs));
            view! {
                {headline(Msg::TileChats, r.chats.to_string(), change_text(r.chats, r.previous_chats, lang), "tile-chats")}
                {headline(Msg::TileMissed, r.missed.to_string(), change_text(r.missed, r.previous_missed, lang), "tile-missed")}
                {headline(Msg::TileWait, duration_text(r.wait.median_secs), p90(r.wait.p90_secs), "tile-wait")}
                {headline(Msg::TileFirstResponse, duration_text(r.first_response.median_secs), p90(r.first_response.p90_secs), "tile-first-response")}
                {headline(
                    Msg::TileSlaMet,
                    conversion_percent(r.sla_met, r.sla_measured).map(|p| format!("{p} %")).unwrap_or_else(|| "—".into()),
                    format!("{} {} {}", r.sla_met, Msg::SlaMetOf.text(lang), r.sla_measured),
                    "tile-sla-met",
                )}
                {headline(Msg::Calls, r.calls.to_string(), String::new(), "tile-calls")}
            }
        })
    };
    let rows = move || {
        now().map(|r| {
            r.by_operator
                .into_iter()
                .map(|o| {
                    view! {
                        <tr>
                            <th scope="row">{o.label.unwrap_or_default()}</th>
                            <td class="num">{o.accepted}</td>
                            <td class="num">{o.closed}</td>
                            <td class="num">{duration_text(o.median_first_response_secs)}</td>
                            <td class="num">{o.calls}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h2 class="report-section">{i18n.tr(Msg::ReportDeskTitle)}</h2>
        <div class="tiles" data-testid="desk-tiles" aria-live="polite">{tiles}</div>
        <div class="report-grid">
            <ChartFigure chart=grid shape=Shape::Heatmap testid="chart-chats-heatmap" file="chats-by-hour.csv"/>
            <section class="panel report-table" data-testid="desk-by-operator" tabindex="0" aria-labelledby="desk-by-operator-title">
                <h2 id="desk-by-operator-title">{i18n.tr(Msg::TableByOperator)}</h2>
                <table class="grid">
                    <thead><tr>
                        <th scope="col">{i18n.tr(Msg::Operator)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::Accepted)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::ClosedCount)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::TileFirstResponse)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::Calls)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </div>
    }
}
