//! The Reports screen's pipelines part: for the board chosen here, open deals and their value
//! per stage, won and lost value per month, lost deals by reason and the time cards spend in
//! each stage. Charts are drawn in the board's main currency; the table lists every currency.

use domain::i18n::{Lang, Msg};
use domain::labels::money_value_text;
use domain::reports::pipelines::{main_currency, whole_units};
use domain::reports::{BoardPipeline, PipelinesReport};
use domain::Money;
use leptos::prelude::*;

use super::{duration_text, month_label, tile};
use crate::api::{self, ApiError};
use crate::components::chart::{Chart, ChartFigure, Series, Shape, Tone};
use crate::i18n::use_i18n;

fn values_text(sums: &[Money], lang: Lang) -> String {
    if sums.is_empty() {
        return "—".into();
    }
    sums.iter().map(|m| money_value_text(m, lang)).collect::<Vec<_>>().join(" · ")
}

fn with_currency(msg: Msg, currency: &Option<String>, lang: Lang) -> String {
    match currency {
        Some(c) => format!("{} ({c})", msg.text(lang)),
        None => msg.text(lang).into(),
    }
}

fn open_value(b: &BoardPipeline, lang: Lang) -> Chart {
    let currency = main_currency(b);
    let units = |sums: &[Money]| currency.as_deref().map_or(0, |c| whole_units(sums, c));
    Chart {
        title: with_currency(Msg::ChartOpenValueByStage, &currency, lang),
        category_label: Msg::Stage.text(lang).into(),
        value_label: with_currency(Msg::DealValue, &currency, lang),
        categories: b.stages.iter().map(|s| s.name.clone()).collect(),
        series: vec![Series {
            name: with_currency(Msg::DealValue, &currency, lang),
            values: b.stages.iter().map(|s| units(&s.open_value)).collect(),
            tone: Tone::Main,
        }],
    }
}

fn won_lost(b: &BoardPipeline, lang: Lang) -> Chart {
    let currency = main_currency(b);
    let units = |sums: &[Money]| currency.as_deref().map_or(0, |c| whole_units(sums, c));
    Chart {
        title: with_currency(Msg::ChartWonLostValue, &currency, lang),
        category_label: Msg::AxisMonth.text(lang).into(),
        value_label: with_currency(Msg::DealValue, &currency, lang),
        categories: b.months.iter().map(|m| month_label(&m.month, lang)).collect(),
        series: vec![
            Series {
                name: Msg::WonValue.text(lang).into(),
                values: b.months.iter().map(|m| units(&m.won_value)).collect(),
                tone: Tone::Main,
            },
            Series {
                name: Msg::LostValue.text(lang).into(),
                values: b.months.iter().map(|m| units(&m.lost_value)).collect(),
                tone: Tone::Loss,
            },
        ],
    }
}

fn reasons(b: &BoardPipeline, lang: Lang) -> Chart {
    Chart {
        title: Msg::ChartLostReasons.text(lang).into(),
        category_label: Msg::LostReason.text(lang).into(),
        value_label: Msg::AxisDeals.text(lang).into(),
        categories: b
            .lost_reasons
            .iter()
            .map(|r| r.reason.clone().unwrap_or_else(|| Msg::NoReasonGiven.text(lang).into()))
            .collect(),
        series: vec![Series {
            name: Msg::AxisDeals.text(lang).into(),
            values: b.lost_reasons.iter().map(|r| r.count).collect(),
            tone: Tone::Loss,
        }],
    }
}

fn days_in_stage(b: &BoardPipeline, lang: Lang) -> Chart {
    Chart {
        title: Msg::ChartDaysInStage.text(lang).into(),
        category_label: Msg::Stage.text(lang).into(),
        value_label: Msg::AxisDays.text(lang).into(),
        categories: b.stages.iter().map(|s| s.name.clone()).collect(),
        series: vec![Series {
            name: Msg::AxisDays.text(lang).into(),
            // Whole days, rounded; the table gives hours and minutes.
            values: b.stages.iter().map(|s| s.average_stay_secs.map_or(0, |secs| (secs + 43_200) / 86_400)).collect(),
            tone: Tone::Main,
        }],
    }
}

/// `period`: `from=…&to=…&utc_offset=…` and `assignee_id` when one is chosen.
#[component]
pub fn PipelinesSection(period: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let report: LocalResource<Result<PipelinesReport, ApiError>> = crate::busy::load(move || {
        let q = period.get();
        async move { api::reports::pipelines(&q).await }
    });
    let board_id = RwSignal::new(String::new());
    let boards = move || report.get().and_then(Result::ok).map(|r| r.boards).unwrap_or_default();
    // The board chosen, else the first (by name).
    let board = Memo::new(move |_| {
        let all = boards();
        let chosen = board_id.get();
        all.iter().find(|b| b.board_id.to_string() == chosen).or(all.first()).cloned()
    });
    let chart = move |draw: fn(&BoardPipeline, Lang) -> Chart| {
        Signal::derive(move || board.get().map(|b| draw(&b, i18n.lang.get())))
    };
    let tiles = move || {
        let lang = i18n.lang.get();
        board.get().map(|b| {
            let open: i64 = b.stages.iter().map(|s| s.open).sum();
            let open_value: Vec<Money> = b.stages.iter().flat_map(|s| s.open_value.clone()).fold(Vec::new(), add);
            let won: Vec<Money> = b.months.iter().flat_map(|m| m.won_value.clone()).fold(Vec::new(), add);
            let lost: Vec<Money> = b.months.iter().flat_map(|m| m.lost_value.clone()).fold(Vec::new(), add);
            let won_count: i64 = b.months.iter().map(|m| m.won).sum();
            let lost_count: i64 = b.months.iter().map(|m| m.lost).sum();
            view! {
                {tile(Msg::TileOpenDeals.text(lang), open.to_string(), values_text(&open_value, lang), "tile-open-deals")}
                {tile(Msg::TileWonDeals.text(lang), won_count.to_string(), values_text(&won, lang), "tile-won-deals")}
                {tile(Msg::TileLostDeals.text(lang), lost_count.to_string(), values_text(&lost, lang), "tile-lost-deals")}
            }
        })
    };
    let rows = move || {
        let lang = i18n.lang.get();
        board.get().map(|b| {
            b.stages
                .into_iter()
                .map(|s| {
                    view! {
                        <tr>
                            <th scope="row">{s.name}</th>
                            <td class="num">{s.open}</td>
                            <td class="num">{values_text(&s.open_value, lang)}</td>
                            <td class="num">{s.stays}</td>
                            <td class="num">{duration_text(s.average_stay_secs)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h2 class="report-section">{i18n.tr(Msg::ReportPipelinesTitle)}</h2>
        <Show when=move || { report.get().and_then(Result::ok).is_some_and(|r| r.boards.is_empty()) }>
            <p class="muted" data-testid="no-boards">{i18n.tr(Msg::NoBoardsToReport)}</p>
        </Show>
        <Show when=move || { boards().len() > 1 }>
            <form class="filters open" on:submit=|ev| ev.prevent_default()>
                <select name="board_id" aria-label=i18n.tr(Msg::Board) bind:value=board_id data-testid="report-board">
                    {move || boards().into_iter().map(|b| view! { <option value=b.board_id.to_string()>{b.name}</option> }).collect_view()}
                </select>
            </form>
        </Show>
        <Show when=move || board.get().is_some()>
            <div class="tiles" data-testid="pipeline-tiles" aria-live="polite">{tiles}</div>
            <div class="report-grid">
                <ChartFigure chart=chart(open_value) shape=Shape::Bars testid="chart-open-value" file="open-value-by-stage.csv"/>
                <ChartFigure chart=chart(won_lost) shape=Shape::Columns testid="chart-won-lost-value" file="won-lost-value.csv"/>
                <ChartFigure chart=chart(reasons) shape=Shape::Bars testid="chart-lost-reasons" file="lost-reasons.csv"/>
                <ChartFigure chart=chart(days_in_stage) shape=Shape::Bars testid="chart-days-in-stage" file="days-in-stage.csv"/>
            </div>
            <section class="panel report-table" data-testid="pipeline-stages" tabindex="0" aria-labelledby="pipeline-stages-title">
                <h2 id="pipeline-stages-title">{i18n.tr(Msg::TableStages)}</h2>
                <table class="grid">
                    <thead><tr>
                        <th scope="col">{i18n.tr(Msg::Stage)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::TileOpenDeals)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::DealValue)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::MovedOn)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::AverageTime)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </Show>
    }
}

/// Folds a value into per-currency sums.
fn add(mut sums: Vec<Money>, m: Money) -> Vec<Money> {
    if let Ok(minor) = domain::money::to_minor(&m.amount, &m.currency) {
        domain::reports::pipelines::add_money(&mut sums, minor, &m.currency);
    }
    sums
}
