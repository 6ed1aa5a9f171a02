//! The reports' handlers and their OpenAPI.

use actix_web::{get, web};
use domain::reports::{DeskReport, LeadsReport, Period, PipelinesQuery, PipelinesReport, ReportQuery, SalesReport};
use domain::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use super::desk;
use super::pipelines::{self, PipelineScope};
use super::queries::{self, Scope};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, NamedQuery};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/reports")
            .service(leads_report)
            .service(sales_report)
            .service(desk_report)
            .service(pipelines_report),
    );
}

/// A period the query could not make (`domain` names the field and why): 422.
fn invalid_period((field, why): (&'static str, &'static str)) -> ApiError {
    ApiError::field(field, "invalid", why)
}

/// What the caller may count: the whole account for an admin (optionally one agent's), only
/// their own leads for an agent, whatever `assignee_id` says.
fn scope_of(caller: &AuthUser, query: &ReportQuery) -> ApiResult<Scope> {
    let period = Period::of(query).map_err(invalid_period)?;
    Ok(Scope {
        account_id: caller.account_id,
        period,
        utc_offset: query.utc_offset.unwrap_or(0),
        interval: query.interval.unwrap_or_default(),
        site_id: query.site_id,
        assignee_id: if caller.is_admin() { query.assignee_id } else { Some(caller.user_id) },
        channel: query.channel,
    })
}

/// Leads report.
///
/// New leads of the period (by first contact, in the caller's local days) per day or week
/// and by source, medium, channel and site, each next to the previous period of the same
/// length; where those leads stand now (the funnel) with conversion per source and per
/// agent; and how long they waited for a person's first action (median and 90th
/// percentile). Agents get their own leads only.
#[utoipa::path(
    tag = "reports", operation_id = "leads_report", security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The report", body = LeadsReport),
        (status = 400, description = "A query parameter is not of its type", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, a period over 366 days, or `utc_offset` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/leads")]
pub async fn leads_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    NamedQuery(query): NamedQuery<ReportQuery>,
) -> ApiResult<web::Json<LeadsReport>> {
    let scope = scope_of(&caller, &query)?;
    Ok(web::Json(state.lagging.run(move |conn| queries::leads(conn, &scope)).await?))
}

/// Sales report.
///
/// Clients whose status became won ("Sale") or lost ("No sale") in the period, per local
/// month and per agent, next to the previous period's totals. Counted by the moment of the
/// change (recorded since 2026-12-03; earlier closings by their change log). Agents get
/// their own clients only.
#[utoipa::path(
    tag = "reports", operation_id = "sales_report", security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The report", body = SalesReport),
        (status = 400, description = "A query parameter is not of its type", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, a period over 366 days, or `utc_offset` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sales")]
pub async fn sales_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    NamedQuery(query): NamedQuery<ReportQuery>,
) -> ApiResult<web::Json<SalesReport>> {
    let scope = scope_of(&caller, &query)?;
    Ok(web::Json(state.lagging.run(move |conn| queries::sales(conn, &scope)).await?))
}

/// Desk report.
///
/// Chats that reached the desk (the bot handed them to an operator) in the period, by local
/// hour and weekday; how many were answered and how many missed (closed before anyone
/// accepted), next to the previous period; the wait to be accepted and to a first reply
/// (median and 90th percentile); and per operator, chats accepted and closed and their
/// median first response; and how many replied within the site's target. `assignee_id`
/// picks an operator (agents get their own chats), `channel` the chats of one channel.
#[utoipa::path(
    tag = "reports", operation_id = "desk_report", security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The report", body = DeskReport),
        (status = 400, description = "A query parameter is not of its type", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, a period over 366 days, or `utc_offset` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/desk")]
pub async fn desk_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    NamedQuery(query): NamedQuery<ReportQuery>,
) -> ApiResult<web::Json<DeskReport>> {
    let scope = scope_of(&caller, &query)?;
    Ok(web::Json(state.lagging.run(move |conn| desk::desk(conn, &scope)).await?))
}

/// Pipelines report.
///
/// For each board the caller can see (or `board_id`): the open deals in each stage now
/// (neither lost, won nor archived) with their value per currency; deals won (converted to a
/// client or a service) and lost per local month of the period, with their values; lost
/// deals per reason; and, per stage, the cards that moved on from it in the period and their
/// average time there. `assignee_id` keeps cards that user is a member of; agents get the
/// cards they are members of, on the boards shared with them.
#[utoipa::path(
    tag = "reports", operation_id = "pipelines_report", security(("bearer" = [])),
    params(PipelinesQuery),
    responses(
        (status = 200, description = "The report", body = PipelinesReport),
        (status = 400, description = "A query parameter is not of its type", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, a period over 366 days, `utc_offset` out of range, or a `board_id` the caller cannot see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/pipelines")]
pub async fn pipelines_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    NamedQuery(query): NamedQuery<PipelinesQuery>,
) -> ApiResult<web::Json<PipelinesReport>> {
    let period = query.period().map_err(invalid_period)?;
    let scope = PipelineScope {
        period,
        utc_offset: query.utc_offset.unwrap_or(0),
        board_id: query.board_id,
        member_id: if caller.is_admin() { query.assignee_id } else { Some(caller.user_id) },
        caller,
    };
    Ok(web::Json(state.lagging.run(move |conn| pipelines::pipelines(conn, &scope)).await?))
}
