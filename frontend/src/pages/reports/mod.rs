//! Reports: a period (last 30 days by default) with filters, four headline figures next to
//! the previous period, and the charts and tables of the leads and sales reports; the live
//! chat's part is `desk`, the boards' is `pipelines`.

mod desk;
mod pipelines;

use chrono::{Datelike, Duration, Local, NaiveDate};
use domain::i18n::{Lang, Msg};
use domain::labels::{channel_msg, status_msg};
use domain::reports::{conversion_percent, percent_change, BreakdownRow, ConversionRow, LeadsReport, SalesReport};
use domain::{Channel, ContactStatus};
use leptos::prelude::*;

use crate::api;
use crate::components::chart::{Chart, ChartFigure, Series, Shape, Tone};
use crate::components::Directory;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// The browser's offset from UTC in minutes, as the API takes it (`-180` in Brasília).
fn utc_offset() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

fn day_label(d: NaiveDate, lang: Lang) -> String {
    domain::labels::day_month_text(d, lang)
}

fn month_label(month: &str, lang: Lang) -> String {
    let Ok(d) = format!("{month}-01").parse::<NaiveDate>() else { return month.to_string() };
    domain::labels::month_text(d.year(), d.month(), lang)
}

/// "+12 % vs. previous period", or that there was nothing before.
fn change_text(current: i64, previous: i64, lang: Lang) -> String {
    match percent_change(current, previous) {
        Some(p) => format!("{}{p} % {} ({previous})", if p > 0 { "+" } else { "" }, Msg::VsPrevious.text(lang)),
        None => Msg::NoPrevious.text(lang).to_string(),
    }
}

fn duration_text(secs: Option<i64>) -> String {
    match secs {
        None => "—".into(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s < 3600 => format!("{} min", s / 60),
        Some(s) if s < 86_400 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        Some(s) => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// One headline figure: what it is, its value, and a note (the change, a percentile).
fn tile(label: &'static str, value: String, note: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="tile" data-testid=testid>
            <span class="tile-label">{label}</span>
            <strong class="tile-value">{value}</strong>
            <span class="tile-note">{note}</span>
        </div>
    }
}

/// A breakdown's rows as a two-series bar chart (this period, the previous one).
fn breakdown_chart(
    rows: &[BreakdownRow],
    title: Msg,
    axis: Msg,
    label: impl Fn(&BreakdownRow) -> String,
    lang: Lang,
) -> Chart {
    Chart {
        title: title.text(lang).into(),
        category_label: axis.text(lang).into(),
        value_label: Msg::AxisLeads.text(lang).into(),
        categories: rows.iter().map(label).collect(),
        series: vec![
            Series {
                name: Msg::ThisPeriod.text(lang).into(),
                values: rows.iter().map(|r| r.count).collect(),
                tone: Tone::Main,
            },
            Series {
                name: Msg::PreviousPeriod.text(lang).into(),
                values: rows.iter().map(|r| r.previous_count).collect(),
                tone: Tone::Previous,
            },
        ],
    }
}

fn or_none(key: &Option<String>, lang: Lang) -> String {
    key.clone().unwrap_or_else(|| Msg::NoneValue.text(lang).into())
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let directory = Directory::new();
    let today = Local::now().date_naive();
    let from = RwSignal::new((today - Duration::days(29)).to_string());
    let to = RwSignal::new(today.to_string());
    let interval = RwSignal::new("day".to_string());
    let site = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let channel = RwSignal::new(String::new());
    let query = Memo::new(move |_| {
        let mut q =
            format!("from={}&to={}&utc_offset={}&interval={}", from.get(), to.get(), utc_offset(), interval.get());
        for (key, value) in [("site_id", site.get()), ("assignee_id", assignee.get()), ("channel", channel.get())] {
            if !value.is_empty() {
                q.push_str(&format!("&{key}={value}"));
            }
        }
        q
    });
    // The pipelines report takes the period and the user; sites and channels are not the boards'.
    let period = Memo::new(move |_| {
        let mut q = format!("from={}&to={}&utc_offset={}", from.get(), to.get(), utc_offset());
        if !assignee.get().is_empty() {
            q.push_str(&format!("&assignee_id={}", assignee.get()));
        }
        q
    });
    let leads = crate::busy::load(move || {
        let q = query.get();
        async move { api::reports::leads(&q).await }
    });
    let sales = crate::busy::load(move || {
        let q = query.get();
        async move { api::reports::sales(&q).await }
    });
    let leads_now = move || leads.get().and_then(Result::ok);
    let sales_now = move || sales.get().and_then(Result::ok);
    let error = move || {
        leads.get().and_then(Result::err).or_else(|| sales.get().and_then(Result::err)).map(|e| {
            view! { <p class="error" role="alert">{e.summary()}</p> }
        })
    };

    let over_time = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now().map(|r: LeadsReport| Chart {
            title: Msg::ChartLeadsOverTime.text(lang).into(),
            category_label: if interval.get() == "week" { Msg::AxisWeek } else { Msg::AxisDay }.text(lang).into(),
            value_label: Msg::AxisLeads.text(lang).into(),
            categories: r.series.iter().map(|p| day_label(p.start, lang)).collect(),
            series: vec![Series {
                name: Msg::AxisLeads.text(lang).into(),
                values: r.series.iter().map(|p| p.count).collect(),
                tone: Tone::Main,
            }],
        })
    });
    let by_source = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now().map(|r| {
            breakdown_chart(&r.by_source, Msg::ChartBySource, Msg::AxisSource, |row| or_none(&row.key, lang), lang)
        })
    });
    let by_medium = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now().map(|r| {
            breakdown_chart(&r.by_medium, Msg::ChartByMedium, Msg::AxisMedium, |row| or_none(&row.key, lang), lang)
        })
    });
    let by_channel = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now().map(|r| {
            let name = |row: &BreakdownRow| {
                let channel = Channel::ALL.into_iter().find(|c| Some(c.as_str()) == row.key.as_deref());
                channel.map(|c| channel_msg(c).text(lang).to_string()).unwrap_or_else(|| or_none(&row.key, lang))
            };
            breakdown_chart(&r.by_channel, Msg::ChartByChannel, Msg::Channel, name, lang)
        })
    });
    let by_site = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now()
            .map(|r| breakdown_chart(&r.by_site, Msg::ChartBySite, Msg::Site, |row| or_none(&row.label, lang), lang))
    });
    let funnel = Signal::derive(move || {
        let lang = i18n.lang.get();
        leads_now().map(|r| {
            let f = r.funnel;
            Chart {
                title: Msg::ChartFunnel.text(lang).into(),
                category_label: Msg::Status.text(lang).into(),
                value_label: Msg::AxisLeads.text(lang).into(),
                categories: ContactStatus::ALL.iter().map(|s| status_msg(*s).text(lang).to_string()).collect(),
                series: vec![Series {
                    name: Msg::AxisLeads.text(lang).into(),
                    values: vec![f.to_contact, f.in_progress, f.won, f.lost],
                    tone: Tone::Main,
                }],
            }
        })
    });
    let sales_by_month = Signal::derive(move || {
        let lang = i18n.lang.get();
        sales_now().map(|r: SalesReport| Chart {
            title: Msg::ChartSalesByMonth.text(lang).into(),
            category_label: Msg::AxisMonth.text(lang).into(),
            value_label: Msg::AxisClients.text(lang).into(),
            categories: r.months.iter().map(|m| month_label(&m.month, lang)).collect(),
            series: vec![
                Series {
                    name: Msg::TileSales.text(lang).into(),
                    values: r.months.iter().map(|m| m.won).collect(),
                    tone: Tone::Main,
                },
                Series {
                    name: Msg::TileNoSales.text(lang).into(),
                    values: r.months.iter().map(|m| m.lost).collect(),
                    tone: Tone::Loss,
                },
            ],
        })
    });
    let sales_by_agent = Signal::derive(move || {
        let lang = i18n.lang.get();
        sales_now().map(|r| Chart {
            title: Msg::ChartSalesByAgent.text(lang).into(),
            category_label: Msg::AxisUser.text(lang).into(),
            value_label: Msg::AxisClients.text(lang).into(),
            categories: r
                .by_agent
                .iter()
                .map(|a| a.label.clone().unwrap_or_else(|| Msg::Unassigned.text(lang).into()))
                .collect(),
            series: vec![
                Series {
                    name: Msg::TileSales.text(lang).into(),
                    values: r.by_agent.iter().map(|a| a.won).collect(),
                    tone: Tone::Main,
                },
                Series {
                    name: Msg::TileNoSales.text(lang).into(),
                    values: r.by_agent.iter().map(|a| a.lost).collect(),
                    tone: Tone::Loss,
                },
            ],
        })
    });

    let tiles = move || {
        let lang = i18n.lang.get();
        let (Some(l), Some(s)) = (leads_now(), sales_now()) else { return None };
        let headline = |label: Msg, value: String, note: String, testid| tile(label.text(lang), value, note, testid);
        Some(view! {
            {headline(Msg::TileNewLeads, l.total.to_string(), change_text(l.total, l.previous_total, lang), "tile-leads")}
            {headline(Msg::TileSales, s.won.to_string(), change_text(s.won, s.previous_won, lang), "tile-sales")}
            {headline(Msg::TileNoSales, s.lost.to_string(), change_text(s.lost, s.previous_lost, lang), "tile-no-sales")}
            {headline(
                Msg::TileFirstAction,
                duration_text(l.first_action.median_secs),
                format!("{} {}", l.first_action.measured, Msg::FirstActionMeasured.text(lang)),
                "tile-first-action",
            )}
        })
    };

    view! {
        <div class="clients-head"><h1>{i18n.tr(Msg::NavReports)}</h1></div>
        <form class="filters open" data-testid="report-filters" on:submit=|ev| ev.prevent_default()>
            <label class="date">{i18n.tr(Msg::ReportFrom)}<input type="date" name="from" bind:value=from required/></label>
            <label class="date">{i18n.tr(Msg::ReportTo)}<input type="date" name="to" bind:value=to required/></label>
            <select name="interval" aria-label=i18n.tr(Msg::GroupBy) bind:value=interval>
                <option value="day">{i18n.tr(Msg::IntervalDay)}</option>
                <option value="week">{i18n.tr(Msg::IntervalWeek)}</option>
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
                {Channel::ALL.map(|c| view! { <option value=c.as_str()>{move || i18n.t(channel_msg(c))}</option> })}
            </select>
        </form>
        {error}
        <div class="tiles" data-testid="report-tiles" aria-live="polite">{tiles}</div>
        <div class="report-grid">
            <ChartFigure chart=over_time shape=Shape::Columns testid="chart-leads-over-time" file="leads-over-time.csv"/>
            <ChartFigure chart=funnel shape=Shape::Bars testid="chart-funnel" file="funnel.csv"/>
            <ChartFigure chart=by_source shape=Shape::Bars testid="chart-by-source" file="leads-by-source.csv"/>
            <ChartFigure chart=by_channel shape=Shape::Bars testid="chart-by-channel" file="leads-by-channel.csv"/>
            <ChartFigure chart=by_medium shape=Shape::Bars testid="chart-by-medium" file="leads-by-medium.csv"/>
            <ChartFigure chart=by_site shape=Shape::Bars testid="chart-by-site" file="leads-by-site.csv"/>
            <ChartFigure chart=sales_by_month shape=Shape::Columns testid="chart-sales-by-month" file="sales-by-month.csv"/>
            <ChartFigure chart=sales_by_agent shape=Shape::Bars testid="chart-sales-by-agent" file="sales-by-user.csv"/>
        </div>
        <ConversionTable title=Msg::TableConversionBySource first=Msg::AxisSource testid="conversion-by-source"
            rows=Signal::derive(move || leads_now().map(|r| r.conversion_by_source).unwrap_or_default())/>
        <ConversionTable title=Msg::TableConversionByAgent first=Msg::AxisUser testid="conversion-by-agent"
            rows=Signal::derive(move || leads_now().map(|r| r.conversion_by_agent).unwrap_or_default())/>
        <desk::DeskSection query=query/>
        <pipelines::PipelinesSection period=period/>
    }
}

/// Leads, sales, no-sales and conversion per source or per user.
#[component]
fn ConversionTable(title: Msg, first: Msg, testid: &'static str, rows: Signal<Vec<ConversionRow>>) -> impl IntoView {
    let i18n = use_i18n();
    let by_user = testid == "conversion-by-agent";
    view! {
        // Focusable, so a keyboard can scroll it sideways on a phone.
        <section class="panel report-table" data-testid=testid tabindex="0" aria-labelledby=format!("{testid}-title")>
            <h2 id=format!("{testid}-title")>{i18n.tr(title)}</h2>
            <table class="grid">
                <thead><tr>
                    <th scope="col">{i18n.tr(first)}</th>
                    <th scope="col" class="num">{i18n.tr(Msg::AxisLeads)}</th>
                    <th scope="col" class="num">{i18n.tr(Msg::TileSales)}</th>
                    <th scope="col" class="num">{i18n.tr(Msg::TileNoSales)}</th>
                    <th scope="col" class="num">{i18n.tr(Msg::ConversionRate)}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let lang = i18n.lang.get();
                        rows.get().into_iter().map(|r| {
                            let name = match (&r.label, by_user) {
                                (Some(label), _) => label.clone(),
                                (None, true) => Msg::Unassigned.text(lang).into(),
                                (None, false) => Msg::NoneValue.text(lang).into(),
                            };
                            let rate = conversion_percent(r.won, r.leads).map(|p| format!("{p} %")).unwrap_or_else(|| "—".into());
                            view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td class="num">{r.leads}</td>
                                    <td class="num">{r.won}</td>
                                    <td class="num">{r.lost}</td>
                                    <td class="num">{rate}</td>
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </section>
    }
}
