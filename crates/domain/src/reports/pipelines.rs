//! The pipelines report: what each board holds now (open deals and their value per stage),
//! what it won and lost per month of the period (value and reasons), and how long cards stay
//! in each stage. A card is open until it is lost, converted (won) or archived.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Period, ReportQuery};
use crate::Money;

/// Which boards and cards the pipelines report counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PipelinesQuery {
    /// First local day of the period (`YYYY-MM-DD`).
    pub from: chrono::NaiveDate,
    /// Last local day of the period, included; a period is at most 366 days.
    pub to: chrono::NaiveDate,
    /// The caller's offset from UTC in minutes (`-180` in Brasília). Default 0.
    #[param(minimum = -720, maximum = 840)]
    pub utc_offset: Option<i16>,
    /// Only this board (else every board the caller can see).
    pub board_id: Option<Uuid>,
    /// Only cards this user is a member of (an agent always gets their own).
    pub assignee_id: Option<Uuid>,
}

impl PipelinesQuery {
    /// The period, or the query field that is wrong and why (as [`Period::of`]).
    pub fn period(&self) -> Result<Period, (&'static str, &'static str)> {
        Period::of(&ReportQuery { from: self.from, to: self.to, utc_offset: self.utc_offset, ..Default::default() })
    }
}

/// One stage: its open deals now, and the stays that ended in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StageRow {
    pub stage_id: Uuid,
    pub name: String,
    /// Open cards in the stage now.
    pub open: i64,
    /// Their deal values, summed per currency.
    pub open_value: Vec<Money>,
    /// Cards that left the stage (moved to another) in the period.
    pub stays: i64,
    /// Their average time in the stage, in seconds; `null` when none left it.
    pub average_stay_secs: Option<i64>,
}

/// Deals won (converted to a client or a service) and lost in one local month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PipelineMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub won: i64,
    pub won_value: Vec<Money>,
    pub lost: i64,
    pub lost_value: Vec<Money>,
}

/// Deals lost in the period for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LostReasonRow {
    /// As typed when the card was marked lost; `null` when none was given.
    pub reason: Option<String>,
    pub count: i64,
    pub value: Vec<Money>,
}

/// One board's pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardPipeline {
    pub board_id: Uuid,
    pub name: String,
    /// In the board's order.
    pub stages: Vec<StageRow>,
    /// Every month that meets the period, empty ones included.
    pub months: Vec<PipelineMonth>,
    /// Most frequent first.
    pub lost_reasons: Vec<LostReasonRow>,
}

/// `GET /reports/pipelines`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PipelinesReport {
    pub period: Period,
    /// The boards the caller can see (or the one asked for), by name.
    pub boards: Vec<BoardPipeline>,
}

/// Adds `minor` units of `currency` to per-currency `sums` (kept in currency order).
pub fn add_money(sums: &mut Vec<Money>, minor: i64, currency: &str) {
    let total = sums
        .iter()
        .position(|m| m.currency == currency)
        .map(|i| sums.remove(i))
        .and_then(|m| crate::money::to_minor(&m.amount, currency).ok())
        .unwrap_or(0);
    sums.push(Money::from_minor(total + minor, currency));
    sums.sort_by(|a, b| a.currency.cmp(&b.currency));
}

/// The currency a board's charts are drawn in: the one with the most open value across its
/// stages (minor units compared, which is fair between currencies of the same exponent),
/// else the first won or lost one; `None` when the board has no values at all.
pub fn main_currency(board: &BoardPipeline) -> Option<String> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    let all = board
        .stages
        .iter()
        .flat_map(|s| s.open_value.iter())
        .chain(board.months.iter().flat_map(|m| m.won_value.iter().chain(m.lost_value.iter())));
    for m in all {
        let minor = crate::money::to_minor(&m.amount, &m.currency).unwrap_or(0);
        match totals.iter_mut().find(|(c, _)| *c == m.currency) {
            Some((_, t)) => *t += minor,
            None => totals.push((m.currency.clone(), minor)),
        }
    }
    totals.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c)
}

/// The whole units of `currency` in `sums` (rounded), for a chart's axis; 0 when absent.
pub fn whole_units(sums: &[Money], currency: &str) -> i64 {
    let Some(m) = sums.iter().find(|m| m.currency == currency) else { return 0 };
    let minor = crate::money::to_minor(&m.amount, currency).unwrap_or(0);
    let scale = 10i64.pow(crate::money::decimals(currency));
    (minor + scale / 2) / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(stages: Vec<Vec<Money>>) -> BoardPipeline {
        BoardPipeline {
            board_id: Uuid::nil(),
            name: "B".into(),
            stages: stages
                .into_iter()
                .map(|open_value| StageRow {
                    stage_id: Uuid::nil(),
                    name: "S".into(),
                    open: 1,
                    open_value,
                    stays: 0,
                    average_stay_secs: None,
                })
                .collect(),
            months: Vec::new(),
            lost_reasons: Vec::new(),
        }
    }

    #[test]
    fn sums_add_up_per_currency_in_currency_order() {
        let mut sums = Vec::new();
        add_money(&mut sums, 1050, "USD");
        add_money(&mut sums, 250, "BRL");
        add_money(&mut sums, 99_950, "BRL");
        assert_eq!(sums, vec![Money::from_minor(100_200, "BRL"), Money::from_minor(1050, "USD")]);
    }

    #[test]
    fn the_charts_use_the_currency_with_the_most_value() {
        let b = board(vec![
            vec![Money::from_minor(500, "USD"), Money::from_minor(100, "BRL")],
            vec![Money::from_minor(900, "BRL")],
        ]);
        assert_eq!(main_currency(&b).as_deref(), Some("BRL"));
        assert_eq!(main_currency(&board(vec![vec![]])), None);
    }

    #[test]
    fn whole_units_round_half_up() {
        let sums = vec![Money::from_minor(123_450, "BRL"), Money::from_minor(1500, "JPY")];
        assert_eq!(whole_units(&sums, "BRL"), 1235);
        assert_eq!(whole_units(&sums, "JPY"), 1500);
        assert_eq!(whole_units(&sums, "USD"), 0);
    }

    #[test]
    fn the_period_follows_the_report_rules() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let q = PipelinesQuery { from: day(3), to: day(1), ..Default::default() };
        assert_eq!(q.period(), Err(("to", "must not be before from")));
        let q = PipelinesQuery { from: day(1), to: day(3), utc_offset: Some(900), ..Default::default() };
        assert_eq!(q.period().unwrap_err().0, "utc_offset");
    }
}
