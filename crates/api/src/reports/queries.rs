//! The reports' SQL. Every query is one scan of the account's contacts in the period (and the
//! period before, counted apart with `FILTER`), over the `(account_id, first_contact_at)` and
//! `(account_id, closed_at)` indexes; breakdowns are `GROUPING SETS` of that one scan.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use domain::reports::{
    bucket_of, AgentSalesRow, BreakdownRow, ConversionRow, Funnel, LeadsReport, MonthRow, Period, ReportInterval,
    ResponseTimes, SalesReport, SeriesPoint,
};
use domain::Channel;
use uuid::Uuid;

use crate::platform::error::ApiResult;

/// What one report counts.
pub struct Scope {
    pub account_id: Uuid,
    pub period: Period,
    pub utc_offset: i16,
    pub interval: ReportInterval,
    pub site_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub channel: Option<Channel>,
}

impl Scope {
    /// The UTC instant the local day `day` starts.
    fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::minutes(self.utc_offset as i64)
    }

    /// [start of the previous period, start of this one, end of this one).
    pub(super) fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
        let previous = self.period.previous();
        (
            self.start_of(previous.from),
            self.start_of(self.period.from),
            self.start_of(self.period.to + Duration::days(1)),
        )
    }
}

/// The filters every query shares, on contacts `c`: $1 account, $2 site, $3 assignee, $4 channel.
const FILTERS: &str = "c.account_id = $1 AND ($2::uuid IS NULL OR c.site_id = $2)
    AND ($3::uuid IS NULL OR c.assignee_id = $3) AND ($4::text IS NULL OR c.channel = $4)";

/// Binds $1–$4 (see [`FILTERS`]) and then `$5…` as the caller adds them.
macro_rules! scoped {
    ($sql:expr, $scope:expr) => {
        diesel::sql_query($sql)
            .bind::<SqlUuid, _>($scope.account_id)
            .bind::<Nullable<SqlUuid>, _>($scope.site_id)
            .bind::<Nullable<SqlUuid>, _>($scope.assignee_id)
            .bind::<Nullable<Text>, _>($scope.channel.map(Channel::as_str))
    };
}

#[derive(QueryableByName)]
struct Breakdown {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = BigInt)]
    previous_count: i64,
}

#[derive(QueryableByName)]
struct DayCount {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct StatusCount {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct Percentiles {
    #[diesel(sql_type = BigInt)]
    measured: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    median: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    p90: Option<i64>,
}

#[derive(QueryableByName)]
struct Closed {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = BigInt)]
    previous_count: i64,
}

/// `column` as the caller's local time, at the offset in minutes bound as `offset`.
pub(super) fn local_time(column: &str, offset: &str) -> String {
    format!("(({column} AT TIME ZONE 'UTC') + make_interval(mins => {offset}))")
}

/// The local day of `column` (see [`local_time`]).
fn local_day(column: &str, offset: &str) -> String {
    format!("{}::date", local_time(column, offset))
}

pub fn leads(conn: &mut PgConnection, scope: &Scope) -> ApiResult<LeadsReport> {
    let (previous_start, start, end) = scope.bounds();
    let breakdowns: Vec<Breakdown> = scoped!(
        format!(
            "SELECT CASE WHEN grouping(c.source) = 0 THEN 'source' WHEN grouping(c.medium) = 0 THEN 'medium'
                         WHEN grouping(c.channel) = 0 THEN 'channel' ELSE 'site' END AS dimension,
                    CASE WHEN grouping(c.source) = 0 THEN c.source WHEN grouping(c.medium) = 0 THEN c.medium
                         WHEN grouping(c.channel) = 0 THEN c.channel ELSE c.site_id::text END AS key,
                    count(*) FILTER (WHERE c.first_contact_at >= $6) AS count,
                    count(*) FILTER (WHERE c.first_contact_at < $6) AS previous_count
             FROM contacts c
             WHERE {FILTERS} AND c.first_contact_at >= $5 AND c.first_contact_at < $7
             GROUP BY GROUPING SETS ((c.source), (c.medium), (c.channel), (c.site_id))"
        ),
        scope
    )
    .bind::<Timestamptz, _>(previous_start)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(conn)?;

    let days: Vec<DayCount> = scoped!(
        format!(
            "SELECT {} AS day, count(*) AS count FROM contacts c
             WHERE {FILTERS} AND c.first_contact_at >= $5 AND c.first_contact_at < $6 GROUP BY 1",
            local_day("c.first_contact_at", "$7")
        ),
        scope
    )
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Integer, _>(scope.utc_offset as i32)
    .load(conn)?;

    let statuses: Vec<StatusCount> = scoped!(
        format!(
            "SELECT CASE WHEN grouping(c.source) = 0 THEN 'source' WHEN grouping(c.assignee_id) = 0 THEN 'agent'
                         ELSE 'all' END AS dimension,
                    CASE WHEN grouping(c.source) = 0 THEN c.source
                         WHEN grouping(c.assignee_id) = 0 THEN c.assignee_id::text END AS key,
                    c.status, count(*) AS count
             FROM contacts c
             WHERE {FILTERS} AND c.first_contact_at >= $5 AND c.first_contact_at < $6
             GROUP BY GROUPING SETS ((c.status), (c.source, c.status), (c.assignee_id, c.status))"
        ),
        scope
    )
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(conn)?;

    // A person's first action (a change, a note, a chat reply): `first_action_at`, kept by
    // triggers, read from the list index with the rest (an index-only scan).
    let times: Percentiles = scoped!(
        format!(
            "SELECT count(*) AS measured,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY t.secs) AS median,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY t.secs) AS p90
             FROM (SELECT greatest(0, extract(epoch FROM c.first_action_at - c.first_contact_at))::bigint AS secs
                   FROM contacts c
                   WHERE {FILTERS} AND c.first_contact_at >= $5 AND c.first_contact_at < $6
                     AND c.first_action_at IS NOT NULL) t"
        ),
        scope
    )
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .get_result(conn)?;

    let names = Names::load(conn, scope.account_id)?;
    let mut report = LeadsReport {
        period: scope.period,
        previous: scope.period.previous(),
        interval: scope.interval,
        total: 0,
        previous_total: 0,
        series: series(scope, &days),
        by_source: Vec::new(),
        by_medium: Vec::new(),
        by_channel: Vec::new(),
        by_site: Vec::new(),
        funnel: Funnel::default(),
        conversion_by_source: Vec::new(),
        conversion_by_agent: Vec::new(),
        first_action: ResponseTimes { measured: times.measured, median_secs: times.median, p90_secs: times.p90 },
    };
    for row in breakdowns {
        let label = match row.dimension.as_str() {
            "site" => names.site(row.key.as_deref()),
            _ => row.key.clone(),
        };
        let out = BreakdownRow { key: row.key, label, count: row.count, previous_count: row.previous_count };
        match row.dimension.as_str() {
            "source" => report.by_source.push(out),
            "medium" => report.by_medium.push(out),
            "channel" => {
                report.total += out.count;
                report.previous_total += out.previous_count;
                report.by_channel.push(out);
            }
            _ => report.by_site.push(out),
        }
    }
    for list in [&mut report.by_source, &mut report.by_medium, &mut report.by_channel, &mut report.by_site] {
        list.retain(|r| r.count + r.previous_count > 0);
        list.sort_by(|a, b| {
            b.count.cmp(&a.count).then(b.previous_count.cmp(&a.previous_count)).then(a.key.cmp(&b.key))
        });
    }
    let mut by_source: HashMap<Option<String>, ConversionRow> = HashMap::new();
    let mut by_agent: HashMap<Option<String>, ConversionRow> = HashMap::new();
    for row in statuses {
        let target = match row.dimension.as_str() {
            "all" => {
                match row.status.as_str() {
                    "to_contact" => report.funnel.to_contact += row.count,
                    "in_progress" => report.funnel.in_progress += row.count,
                    "won" => report.funnel.won += row.count,
                    _ => report.funnel.lost += row.count,
                }
                continue;
            }
            "source" => {
                by_source.entry(row.key.clone()).or_insert_with(|| conversion(row.key.clone(), row.key.clone()))
            }
            _ => {
                let label = names.user(row.key.as_deref());
                by_agent.entry(row.key.clone()).or_insert_with(|| conversion(row.key.clone(), label))
            }
        };
        target.leads += row.count;
        match row.status.as_str() {
            "won" => target.won += row.count,
            "lost" => target.lost += row.count,
            _ => {}
        }
    }
    report.conversion_by_source = sorted_conversions(by_source);
    report.conversion_by_agent = sorted_conversions(by_agent);
    Ok(report)
}

fn conversion(key: Option<String>, label: Option<String>) -> ConversionRow {
    ConversionRow { key, label, leads: 0, won: 0, lost: 0 }
}

fn sorted_conversions(rows: HashMap<Option<String>, ConversionRow>) -> Vec<ConversionRow> {
    let mut rows: Vec<ConversionRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.key.cmp(&b.key)));
    rows
}

/// Every bucket of the period, from the per-day counts.
fn series(scope: &Scope, days: &[DayCount]) -> Vec<SeriesPoint> {
    let mut counts: HashMap<NaiveDate, i64> = HashMap::new();
    for d in days {
        *counts.entry(bucket_of(d.day, scope.interval)).or_default() += d.count;
    }
    scope
        .period
        .buckets(scope.interval)
        .into_iter()
        .map(|start| SeriesPoint { start, count: counts.get(&start).copied().unwrap_or(0) })
        .collect()
}

pub fn sales(conn: &mut PgConnection, scope: &Scope) -> ApiResult<SalesReport> {
    let (previous_start, start, end) = scope.bounds();
    let month = format!("to_char({}, 'YYYY-MM')", local_day("c.closed_at", "$8"));
    let rows: Vec<Closed> = scoped!(
        format!(
            "SELECT CASE WHEN grouping(c.assignee_id) = 0 THEN 'agent' ELSE 'month' END AS dimension,
                    CASE WHEN grouping(c.assignee_id) = 0 THEN c.assignee_id::text ELSE {month} END AS key,
                    c.status,
                    count(*) FILTER (WHERE c.closed_at >= $6) AS count,
                    count(*) FILTER (WHERE c.closed_at < $6) AS previous_count
             FROM contacts c
             WHERE {FILTERS} AND c.closed_at >= $5 AND c.closed_at < $7 AND c.status IN ('won', 'lost')
             GROUP BY GROUPING SETS ((c.assignee_id, c.status), ({month}, c.status))"
        ),
        scope
    )
    .bind::<Timestamptz, _>(previous_start)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Integer, _>(scope.utc_offset as i32)
    .load(conn)?;

    let names = Names::load(conn, scope.account_id)?;
    let mut months: Vec<MonthRow> =
        scope.period.months().into_iter().map(|month| MonthRow { month, won: 0, lost: 0 }).collect();
    let mut agents: HashMap<Option<String>, AgentSalesRow> = HashMap::new();
    let (mut won, mut lost, mut previous_won, mut previous_lost) = (0, 0, 0, 0);
    for row in rows {
        let is_won = row.status == "won";
        if row.dimension == "month" {
            if is_won {
                (won, previous_won) = (won + row.count, previous_won + row.previous_count);
            } else {
                (lost, previous_lost) = (lost + row.count, previous_lost + row.previous_count);
            }
            if let Some(month) = months.iter_mut().find(|m| Some(&m.month) == row.key.as_ref()) {
                if is_won {
                    month.won += row.count;
                } else {
                    month.lost += row.count;
                }
            }
            continue;
        }
        if row.count == 0 {
            continue;
        }
        let label = names.user(row.key.as_deref());
        let agent = agents.entry(row.key.clone()).or_insert_with(|| AgentSalesRow {
            key: row.key.clone(),
            label,
            won: 0,
            lost: 0,
        });
        if is_won {
            agent.won += row.count;
        } else {
            agent.lost += row.count;
        }
    }
    let mut by_agent: Vec<AgentSalesRow> = agents.into_values().collect();
    by_agent.sort_by(|a, b| b.won.cmp(&a.won).then(a.lost.cmp(&b.lost)).then(a.key.cmp(&b.key)));
    Ok(SalesReport {
        period: scope.period,
        previous: scope.period.previous(),
        won,
        lost,
        previous_won,
        previous_lost,
        months,
        by_agent,
    })
}

/// Site and user names of the account, for labels.
pub(super) struct Names {
    sites: HashMap<String, String>,
    users: HashMap<String, String>,
}

impl Names {
    pub(super) fn load(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Names> {
        use crate::platform::db::schema::{sites, users};
        let sites: Vec<(Uuid, String)> =
            sites::table.filter(sites::account_id.eq(account_id)).select((sites::id, sites::name)).load(conn)?;
        let users: Vec<(Uuid, String)> =
            users::table.filter(users::account_id.eq(account_id)).select((users::id, users::name)).load(conn)?;
        Ok(Names {
            sites: sites.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
            users: users.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
        })
    }

    fn site(&self, key: Option<&str>) -> Option<String> {
        key.and_then(|k| self.sites.get(k).cloned())
    }

    pub(super) fn user(&self, key: Option<&str>) -> Option<String> {
        key.and_then(|k| self.users.get(k).cloned())
    }
}
