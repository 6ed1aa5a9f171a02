//! Reports for a sales manager: leads in, where from, how fast answered, what was sold. The
//! period is a range of the caller's local days, compared with the same number of days just
//! before it; the rules (periods, buckets, percent change) are here, the counting is SQL.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Channel;

pub mod pipelines;

pub use pipelines::{BoardPipeline, LostReasonRow, PipelineMonth, PipelinesQuery, PipelinesReport, StageRow};

/// The longest period a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// Day or week buckets for a time series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportInterval {
    #[default]
    Day,
    /// Weeks start on Monday.
    Week,
}

/// Which leads or sales a report counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First local day of the period (`YYYY-MM-DD`).
    pub from: NaiveDate,
    /// Last local day of the period, included; a period is at most 366 days.
    pub to: NaiveDate,
    /// The caller's offset from UTC in minutes (`-180` in Brasília), so days and months
    /// start at local midnight. Default 0.
    #[param(minimum = -720, maximum = 840)]
    pub utc_offset: Option<i16>,
    /// `day` (default) or `week` buckets for the leads series.
    pub interval: Option<ReportInterval>,
    /// Only this site's leads.
    pub site_id: Option<Uuid>,
    /// Only leads of this agent (an agent always sees only their own).
    pub assignee_id: Option<Uuid>,
    /// Only leads that came by this channel.
    pub channel: Option<Channel>,
}

/// A range of local days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period, or the query field that is wrong and why.
    pub fn of(query: &ReportQuery) -> Result<Period, (&'static str, &'static str)> {
        if query.to < query.from {
            return Err(("to", "must not be before from"));
        }
        if (query.to - query.from).num_days() + 1 > MAX_DAYS {
            return Err(("to", "the period must be at most 366 days"));
        }
        if let Some(offset) = query.utc_offset {
            if !(-720..=840).contains(&offset) {
                return Err(("utc_offset", "must be from -720 to 840 minutes"));
            }
        }
        Ok(Period { from: query.from, to: query.to })
    }

    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The same number of days just before.
    pub fn previous(self) -> Period {
        let to = self.from - Duration::days(1);
        Period { from: to - Duration::days(self.days() - 1), to }
    }

    /// The first day of every bucket that meets the period, in order.
    pub fn buckets(self, interval: ReportInterval) -> Vec<NaiveDate> {
        let mut start = bucket_of(self.from, interval);
        let step = match interval {
            ReportInterval::Day => 1,
            ReportInterval::Week => 7,
        };
        let mut out = Vec::new();
        while start <= self.to {
            out.push(start);
            start += Duration::days(step);
        }
        out
    }

    /// Every month (`YYYY-MM`) that meets the period, in order.
    pub fn months(self) -> Vec<String> {
        let (mut year, mut month) = (self.from.year(), self.from.month());
        let mut out = Vec::new();
        while (year, month) <= (self.to.year(), self.to.month()) {
            out.push(format!("{year:04}-{month:02}"));
            (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        }
        out
    }
}

/// The first day of the bucket `day` falls in (Monday for weeks).
pub fn bucket_of(day: NaiveDate, interval: ReportInterval) -> NaiveDate {
    match interval {
        ReportInterval::Day => day,
        ReportInterval::Week => day - Duration::days(day.weekday().num_days_from_monday() as i64),
    }
}

/// The change from `previous` to `current` in whole percent; `None` when there was nothing before.
pub fn percent_change(current: i64, previous: i64) -> Option<i64> {
    (previous != 0).then(|| ((current - previous) as f64 * 100.0 / previous as f64).round() as i64)
}

/// The top of a chart's value axis: `max` rounded up to 1, 2 or 5 times a power of ten.
pub fn nice_ceiling(max: i64) -> i64 {
    let mut unit = 1;
    loop {
        for step in [1, 2, 5] {
            if step * unit >= max.max(1) {
                return step * unit;
            }
        }
        unit *= 10;
    }
}

/// `won` of `leads` in whole percent; `None` without leads.
pub fn conversion_percent(won: i64, leads: i64) -> Option<i64> {
    (leads > 0).then(|| (won as f64 * 100.0 / leads as f64).round() as i64)
}

/// A CSV document (RFC 4180, CRLF line ends): fields with a comma, quote or line break are
/// quoted, and a field a spreadsheet would run as a formula is neutralised as the client
/// export does it ([`crate::text::neutralise_formula`]).
pub fn csv_text(header: &[String], rows: &[Vec<String>]) -> String {
    let field = |f: &String| {
        let f = crate::text::neutralise_formula(f);
        if f.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.into_owned()
        }
    };
    std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .map(|line| line.iter().map(field).collect::<Vec<_>>().join(",") + "\r\n")
        .collect()
}

/// One bucket of a time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeriesPoint {
    /// The bucket's first day.
    pub start: NaiveDate,
    pub count: i64,
}

/// One value of a breakdown (a source, a site, an agent…) in the period and the one before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BreakdownRow {
    /// The value as stored (a source, a channel, a site's or user's id); `null` for none.
    pub key: Option<String>,
    /// The value as people read it (a site's or user's name), else the key.
    pub label: Option<String>,
    pub count: i64,
    pub previous_count: i64,
}

/// Leads of one source or agent by where they ended up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversionRow {
    pub key: Option<String>,
    pub label: Option<String>,
    pub leads: i64,
    pub won: i64,
    pub lost: i64,
}

/// How many of the period's leads are in each status now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Funnel {
    pub to_contact: i64,
    pub in_progress: i64,
    pub won: i64,
    pub lost: i64,
}

/// Seconds from a lead's first contact to the first thing a person did about it (a change,
/// a note, a reply in chat).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResponseTimes {
    /// How many of the period's leads have had a first action.
    pub measured: i64,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

/// `GET /reports/leads`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LeadsReport {
    pub period: Period,
    pub previous: Period,
    pub interval: ReportInterval,
    pub total: i64,
    pub previous_total: i64,
    /// Every bucket of the period, empty ones included.
    pub series: Vec<SeriesPoint>,
    pub by_source: Vec<BreakdownRow>,
    pub by_medium: Vec<BreakdownRow>,
    pub by_channel: Vec<BreakdownRow>,
    pub by_site: Vec<BreakdownRow>,
    pub funnel: Funnel,
    pub conversion_by_source: Vec<ConversionRow>,
    pub conversion_by_agent: Vec<ConversionRow>,
    pub first_action: ResponseTimes,
}

/// Sales and no-sales closed in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    pub won: i64,
    pub lost: i64,
}

/// One agent's sales and no-sales in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgentSalesRow {
    pub key: Option<String>,
    pub label: Option<String>,
    pub won: i64,
    pub lost: i64,
}

/// `GET /reports/sales`: clients whose status became won or lost in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SalesReport {
    pub period: Period,
    pub previous: Period,
    pub won: i64,
    pub lost: i64,
    pub previous_won: i64,
    pub previous_lost: i64,
    /// Every month that meets the period, empty ones included.
    pub months: Vec<MonthRow>,
    pub by_agent: Vec<AgentSalesRow>,
}

/// Chats that reached the desk in one local hour of one weekday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeatCell {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// 0–23, local.
    pub hour: u8,
    pub count: i64,
}

/// One operator's chats in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorRow {
    pub key: Option<String>,
    pub label: Option<String>,
    /// Chats they accepted (or joined and own).
    pub accepted: i64,
    pub closed: i64,
    pub median_first_response_secs: Option<i64>,
    /// Calls they logged in the period (the channel filter leaves calls out).
    pub calls: i64,
}

/// `GET /reports/desk`: chats that reached the desk (left the bot for an operator) in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeskReport {
    pub period: Period,
    pub previous: Period,
    pub chats: i64,
    pub previous_chats: i64,
    /// Calls logged with clients in the period (by the operator chosen; none when a chat
    /// channel is chosen).
    pub calls: i64,
    /// Accepted by an operator.
    pub answered: i64,
    /// Closed (visitor left, or an operator closed it) before anyone accepted.
    pub missed: i64,
    pub previous_missed: i64,
    /// From reaching the desk to being accepted.
    pub wait: ResponseTimes,
    /// From reaching the desk to an operator's first reply.
    pub first_response: ResponseTimes,
    /// Chats with a first-response target that is decided (replied, or past due).
    pub sla_measured: i64,
    /// Of those, replied to within the target.
    pub sla_met: i64,
    /// Cells with at least one chat.
    pub heatmap: Vec<HeatCell>,
    pub by_operator: Vec<OperatorRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn query(from: &str, to: &str) -> ReportQuery {
        ReportQuery { from: day(from), to: day(to), ..Default::default() }
    }

    #[test]
    fn the_previous_period_is_as_long_and_just_before() {
        let p = Period::of(&query("2026-11-01", "2026-11-30")).unwrap();
        assert_eq!(p.days(), 30);
        assert_eq!(p.previous(), Period { from: day("2026-10-02"), to: day("2026-10-31") });
        let one = Period::of(&query("2026-03-01", "2026-03-01")).unwrap();
        assert_eq!(one.previous(), Period { from: day("2026-02-28"), to: day("2026-02-28") });
    }

    #[test]
    fn bad_periods_name_the_field() {
        assert_eq!(Period::of(&query("2026-11-02", "2026-11-01")).unwrap_err().0, "to");
        assert_eq!(Period::of(&query("2025-01-01", "2026-01-02")).unwrap_err().0, "to");
        assert!(Period::of(&query("2024-01-01", "2024-12-31")).is_ok(), "a leap year is 366 days");
        let mut q = query("2026-11-01", "2026-11-01");
        q.utc_offset = Some(900);
        assert_eq!(Period::of(&q).unwrap_err().0, "utc_offset");
    }

    #[test]
    fn buckets_cover_the_period_and_weeks_start_on_monday() {
        let p = Period::of(&query("2026-11-27", "2026-12-02")).unwrap();
        assert_eq!(p.buckets(ReportInterval::Day).len(), 6);
        // 2026-11-27 is a Friday: its week began on Monday the 23rd.
        assert_eq!(p.buckets(ReportInterval::Week), vec![day("2026-11-23"), day("2026-11-30")]);
        assert_eq!(bucket_of(day("2026-11-30"), ReportInterval::Week), day("2026-11-30"));
    }

    #[test]
    fn months_cross_the_year() {
        let p = Period::of(&query("2026-11-15", "2027-01-10")).unwrap();
        assert_eq!(p.months(), ["2026-11", "2026-12", "2027-01"]);
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!([0, 1, 3, 7, 10, 11, 45, 180, 999].map(nice_ceiling), [1, 1, 5, 10, 10, 20, 50, 200, 1000]);
        assert_eq!(conversion_percent(1, 3), Some(33));
        assert_eq!(conversion_percent(0, 0), None);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let header = vec!["Source".to_string(), "Leads".to_string()];
        let rows = vec![
            vec!["google, ads".to_string(), "3".to_string()],
            vec!["=HYPERLINK(\"x\")".to_string(), "-2".to_string()],
        ];
        assert_eq!(csv_text(&header, &rows), "Source,Leads\r\n\"google, ads\",3\r\n\"'=HYPERLINK(\"\"x\"\")\",-2\r\n");
    }

    #[test]
    fn percent_change_rounds_and_needs_a_past() {
        assert_eq!(percent_change(12, 10), Some(20));
        assert_eq!(percent_change(5, 10), Some(-50));
        assert_eq!(percent_change(1, 3), Some(-67));
        assert_eq!(percent_change(4, 0), None);
    }
}
