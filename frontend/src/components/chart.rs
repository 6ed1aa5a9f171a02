//! Charts drawn as SVG, each in a figure with its title, axis labels, a data table that can
//! be shown (for screen readers, and to copy) and a CSV download of the same data. Ours, not
//! a charting crate: bars and columns are all the reports need, drawn as plain `view!` SVG.

use domain::i18n::Msg;
use domain::reports::{csv_text, nice_ceiling};
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Bars' colours: each passes 3:1 against white (WCAG's contrast for graphics).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tone {
    /// The period's values: the brand blue.
    Main,
    /// The previous period's values: grey.
    Previous,
    /// Losses: red.
    Loss,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Main => "bar-main",
            Tone::Previous => "bar-previous",
            Tone::Loss => "bar-loss",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    pub tone: Tone,
}

/// What a chart shows: a value per category, for one or more series.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// The categories' axis (and the table's first column).
    pub category_label: String,
    /// The values' axis.
    pub value_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    fn top(&self) -> i64 {
        nice_ceiling(self.series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0))
    }

    fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.values.iter().all(|v| *v == 0))
    }

    fn csv(&self) -> String {
        let header: Vec<String> =
            std::iter::once(self.category_label.clone()).chain(self.series.iter().map(|s| s.name.clone())).collect();
        let rows: Vec<Vec<String>> = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                std::iter::once(c.clone())
                    .chain(self.series.iter().map(|s| s.values.get(i).copied().unwrap_or(0).to_string()))
                    .collect()
            })
            .collect();
        csv_text(&header, &rows)
    }
}

/// Columns over time (`Columns`), one bar per category (`Bars`, for names that need room),
/// or a grid of categories by series shaded by value (`Heatmap`: weekdays by hours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Columns,
    Bars,
    Heatmap,
}

/// The drawing's width in SVG units: about the width it is shown at, so its 12-unit text
/// reads as 12 px on a phone (a 360 px screen) and a laptop (half of a 1100 px page) alike.
fn drawing_width() -> f64 {
    let screen = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1366.0);
    if screen < 600.0 {
        330.0
    } else {
        520.0
    }
}

/// One chart in its figure. `file` names the CSV download.
#[component]
pub fn ChartFigure(
    chart: Signal<Option<Chart>>,
    shape: Shape,
    testid: &'static str,
    file: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let table_open = RwSignal::new(false);
    let title_id = format!("{testid}-title");
    let table_id = format!("{testid}-table");
    let download = move |_| {
        if let Some(c) = chart.get_untracked() {
            save_csv(file, &c.csv());
        }
    };
    let body = {
        let title_id = title_id.clone();
        move || {
            chart.get().map(|c| {
                if c.is_empty() {
                    return view! { <p class="muted">{i18n.tr(Msg::NoReportData)}</p> }.into_any();
                }
                match shape {
                    Shape::Columns => columns(&c, &title_id).into_any(),
                    Shape::Bars => bars(&c, &title_id).into_any(),
                    Shape::Heatmap => heatmap(&c, &title_id).into_any(),
                }
            })
        }
    };
    let legend = move || {
        chart.get().filter(|c| c.series.len() > 1 && shape != Shape::Heatmap).map(|c| {
            view! {
                <ul class="legend">
                    {c.series.into_iter().map(|s| view! { <li><span class=format!("swatch {}", s.tone.class())></span>{s.name}</li> }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <figure class="panel chart" data-testid=testid>
            <figcaption id=title_id.clone()>{move || chart.get().map(|c| c.title)}</figcaption>
            {legend}
            {body}
            <div class="chart-actions">
                <button type="button" class="link" aria-expanded=move || table_open.get().to_string() aria-controls=table_id.clone()
                    on:click=move |_| table_open.update(|o| *o = !*o)>
                    {move || i18n.t(if table_open.get() { Msg::HideTable } else { Msg::ShowTable })}
                </button>
                <button type="button" class="link" on:click=download>{i18n.tr(Msg::DownloadCsv)}</button>
            </div>
            // Scrolls sideways when wider than the screen (the heatmap's 24 hours on a phone).
            <div id=table_id.clone() class="chart-table-wrap" tabindex="0" aria-labelledby=title_id.clone() hidden=move || !table_open.get()>
                {move || chart.get().map(data_table)}
            </div>
        </figure>
    }
}

/// The chart's numbers as a table.
fn data_table(c: Chart) -> impl IntoView {
    let series = c.series.clone();
    view! {
        <table class="grid chart-table">
            <caption class="sr-only">{c.title.clone()}</caption>
            <thead><tr>
                <th scope="col">{c.category_label.clone()}</th>
                {series.iter().map(|s| view! { <th scope="col" class="num">{s.name.clone()}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {c.categories.iter().enumerate().map(|(i, cat)| view! {
                    <tr>
                        <th scope="row">{cat.clone()}</th>
                        {series.iter().map(|s| view! { <td class="num">{s.values.get(i).copied().unwrap_or(0)}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Columns: categories along the bottom (every n-th labelled when crowded), values up.
fn columns(c: &Chart, title_id: &str) -> impl IntoView {
    let width = drawing_width();
    let (left, right, top_pad, bottom) = (44.0, 8.0, 12.0, 44.0);
    let height = if width < 400.0 { 200.0 } else { 230.0 };
    let plot_w = width - left - right;
    let plot_h = height - top_pad - bottom;
    let top = c.top() as f64;
    let n = c.categories.len().max(1);
    let group = plot_w / n as f64;
    let bar = (group * 0.8 / c.series.len().max(1) as f64).max(1.0);
    // Room for a label of about 48 units under each labelled column.
    let every = n.div_ceil(((plot_w / 48.0).floor() as usize).max(1));
    let y = move |v: f64| top_pad + plot_h - v / top * plot_h;
    let ticks = [0.0, top / 2.0, top];
    let mut rects = Vec::new();
    for (si, s) in c.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let x = left + group * i as f64 + group * 0.1 + bar * si as f64;
            let h = *v as f64 / top * plot_h;
            let tip = format!("{}, {}: {}", c.categories.get(i).cloned().unwrap_or_default(), s.name, v);
            rects.push(view! {
                <rect class=s.tone.class() x=format!("{x:.1}") y=format!("{:.1}", top_pad + plot_h - h)
                    width=format!("{bar:.1}") height=format!("{h:.1}")><title>{tip}</title></rect>
            });
        }
    }
    let labels: Vec<_> = c
        .categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, cat)| {
            let x = left + group * i as f64 + group / 2.0;
            view! { <text class="tick" x=format!("{x:.1}") y=format!("{:.1}", top_pad + plot_h + 16.0) text-anchor="middle">{cat.clone()}</text> }
        })
        .collect();
    view! {
        <svg class="chart-svg" viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=title_id.to_string()>
            {ticks.map(|t| view! {
                <line class="grid-line" x1=left x2=width - right y1=format!("{:.1}", y(t)) y2=format!("{:.1}", y(t))/>
                <text class="tick" x=left - 6.0 y=format!("{:.1}", y(t) + 4.0) text-anchor="end">{t.round().to_string()}</text>
            })}
            {rects}
            {labels}
            <text class="axis-label" x=left + plot_w / 2.0 y=height - 4.0 text-anchor="middle">{c.category_label.clone()}</text>
            <text class="axis-label" transform=format!("translate(12 {:.1}) rotate(-90)", top_pad + plot_h / 2.0) text-anchor="middle">{c.value_label.clone()}</text>
        </svg>
    }
}

/// Bars: one row per category, its name on the left and its value after the bar; a second
/// series is a thinner bar under the first.
fn bars(c: &Chart, title_id: &str) -> impl IntoView {
    let width = drawing_width();
    let label_w = if width < 400.0 { 96.0 } else { 140.0 };
    let value_w = if c.series.len() > 1 { 56.0 } else { 36.0 };
    let row = if c.series.len() > 1 { 34.0 } else { 26.0 };
    let plot_w = width - label_w - value_w;
    let max_chars = if width < 400.0 { 13 } else { 20 };
    let top = c.top() as f64;
    let height = row * c.categories.len() as f64 + 26.0;
    let rows = c.categories.iter().enumerate().map(|(i, cat)| {
        let y0 = row * i as f64;
        let name: String =
            if cat.chars().count() > max_chars { cat.chars().take(max_chars - 1).chain(['…']).collect() } else { cat.clone() };
        let mut bars = Vec::new();
        for (si, s) in c.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let (h, y) = if si == 0 { (14.0, y0 + 4.0) } else { (7.0, y0 + 20.0) };
            let w = (v as f64 / top * plot_w).max(if v > 0 { 1.0 } else { 0.0 });
            let tip = format!("{cat}, {}: {v}", s.name);
            bars.push(view! {
                <rect class=s.tone.class() x=label_w y=format!("{y:.1}") width=format!("{w:.1}") height=h><title>{tip}</title></rect>
            });
        }
        // Every series' value, as the legend orders them ("sales / no sales").
        let values: Vec<String> = c.series.iter().map(|s| s.values.get(i).copied().unwrap_or(0).to_string()).collect();
        view! {
            <text class="tick" x=label_w - 6.0 y=format!("{:.1}", y0 + 15.0) text-anchor="end">{name}</text>
            {bars}
            <text class="value" x=width - value_w + 6.0 y=format!("{:.1}", y0 + 15.0)>{values.join(" / ")}</text>
        }
    });
    view! {
        <svg class="chart-svg" viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=title_id.to_string()>
            {rows.collect_view()}
            <text class="axis-label" x=label_w + plot_w / 2.0 y=height - 6.0 text-anchor="middle">{c.value_label.clone()}</text>
        </svg>
    }
}

/// A grid: a row per category, a cell per series, darker for more; every fourth series
/// (hour) labelled along the bottom.
fn heatmap(c: &Chart, title_id: &str) -> impl IntoView {
    let width = drawing_width();
    let (left, bottom) = (if width < 400.0 { 40.0 } else { 84.0 }, 34.0);
    let columns = c.series.len().max(1);
    let cell_w = (width - left - 4.0) / columns as f64;
    let cell_h = 22.0;
    let height = cell_h * c.categories.len() as f64 + bottom;
    let top = c.top() as f64;
    let cells = c.categories.iter().enumerate().flat_map(|(row, cat)| {
        c.series.iter().enumerate().map(move |(col, s)| {
            let v = s.values.get(row).copied().unwrap_or(0);
            // Empty cells stay a faint outline; the rest shade from light to the brand blue.
            let opacity = if v == 0 { 0.0 } else { 0.15 + 0.85 * v as f64 / top };
            view! {
                <rect class="heat" x=format!("{:.1}", left + cell_w * col as f64) y=format!("{:.1}", cell_h * row as f64)
                    width=format!("{:.1}", cell_w - 1.0) height=cell_h - 1.0 fill-opacity=format!("{opacity:.2}")>
                    <title>{format!("{cat}, {}: {v}", s.name)}</title>
                </rect>
            }
        })
    });
    let row_labels = c.categories.iter().enumerate().map(|(row, cat)| {
        let label: String = if width < 400.0 { cat.chars().take(3).collect() } else { cat.clone() };
        view! { <text class="tick" x=left - 6.0 y=format!("{:.1}", cell_h * row as f64 + 15.0) text-anchor="end">{label}</text> }
    });
    let column_labels = c.series.iter().enumerate().filter(|(i, _)| i % 4 == 0).map(|(col, s)| {
        let x = left + cell_w * col as f64 + cell_w / 2.0;
        view! { <text class="tick" x=format!("{x:.1}") y=format!("{:.1}", height - bottom + 14.0) text-anchor="middle">{s.name.clone()}</text> }
    });
    view! {
        <svg class="chart-svg" viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=title_id.to_string()>
            {cells.collect_view()}
            {row_labels.collect_view()}
            {column_labels.collect_view()}
            <text class="axis-label" x=left + (width - left) / 2.0 y=height - 4.0 text-anchor="middle">{c.value_label.clone()}</text>
        </svg>
    }
}

/// Hands `text` to the browser as a CSV file named `name`.
fn save_csv(name: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(link) = document.create_element("a") else { return };
    let link: web_sys::HtmlAnchorElement = link.unchecked_into();
    // A BOM so spreadsheet programs read the accents as UTF-8.
    let encoded = js_sys::encode_uri_component(&format!("\u{feff}{text}"));
    link.set_href(&format!("data:text/csv;charset=utf-8,{}", String::from(encoded)));
    link.set_download(name);
    link.click();
}
