//! Prometheus metrics, served as text at `GET /metrics` on a separate listener
//! (`METRICS_BIND`), never on the public port: request counts and latency per route and
//! status, the database pool (in use, idle, checkout wait, timeouts), the e-mail outbox and event streams.

use std::net::SocketAddr;
use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use diesel::prelude::*;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::platform::db::schema::email_outbox;
use crate::platform::error::ApiError;
use crate::platform::state::AppState;

/// Every metric of the process, in one registry.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    outbox_pending: IntGauge,
    event_streams: IntGauge,
    /// The standby for lagging reads: reachable (1/0), and its lag.
    replica_up: IntGauge,
    replica_lag_bytes: prometheus::Gauge,
    replica_lag_seconds: prometheus::Gauge,
    hub: std::sync::Arc<crate::platform::events::hub::Hub>,
}

/// Event streams cut off because their client read too slowly.
pub fn dropped_slow_streams_counter() -> anyhow::Result<prometheus::IntCounter> {
    Ok(prometheus::IntCounter::new(
        "event_streams_dropped_slow_total",
        "Event streams closed because their client did not keep up",
    )?)
}

/// The listener `/metrics` answers on; on any other it is a 404.
#[derive(Clone, Copy)]
pub struct MetricsAddr(pub SocketAddr);

impl Metrics {
    pub fn new(
        db: &crate::platform::db::Db,
        lagging: &crate::platform::db::replica::LaggingReads,
        hub: std::sync::Arc<crate::platform::events::hub::Hub>,
    ) -> anyhow::Result<Metrics> {
        let registry = Registry::new_custom(Some("prospecta".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route template and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by method and route template")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state (in_use, idle, max)"),
            &["state"],
        )?;
        let outbox_pending = IntGauge::new("email_outbox_pending", "E-mails waiting in the outbox")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(outbox_pending.clone()))?;
        registry.register(Box::new(db.checkout_wait().clone()))?;
        registry.register(Box::new(db.checkout_timeouts().clone()))?;
        let event_streams = IntGauge::new("event_streams", "Open server-sent event streams on this instance")?;
        registry.register(Box::new(event_streams.clone()))?;
        registry.register(Box::new(hub.dropped_slow().clone()))?;
        let replica_up =
            IntGauge::new("db_replica_up", "The read replica (READ_DATABASE_URL) answered the last scrape")?;
        let replica_lag_bytes =
            prometheus::Gauge::new("db_replica_lag_bytes", "WAL the read replica has yet to replay, in bytes")?;
        let replica_lag_seconds = prometheus::Gauge::new(
            "db_replica_lag_seconds",
            "Age of the read replica's last replayed transaction while WAL waits to be replayed",
        )?;
        for counter in lagging.counters() {
            registry.register(Box::new(counter.clone()))?;
        }
        if lagging.replica().is_some() {
            registry.register(Box::new(replica_up.clone()))?;
            registry.register(Box::new(replica_lag_bytes.clone()))?;
            registry.register(Box::new(replica_lag_seconds.clone()))?;
        }
        Ok(Metrics {
            registry,
            requests,
            latency,
            pool,
            outbox_pending,
            event_streams,
            replica_up,
            replica_lag_bytes,
            replica_lag_seconds,
            hub,
        })
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }
}

/// Counts and times every request under its route template (`/api/v1/contacts/{id}`), so
/// ids do not multiply the series; paths no route matches share the label `unmatched`.
/// Whether `req` came in on the `METRICS_BIND` listener.
fn on_metrics_listener(req: &HttpRequest) -> bool {
    req.app_data::<Option<MetricsAddr>>().copied().flatten().is_some_and(|addr| req.app_config().local_addr() == addr.0)
}

/// On the `METRICS_BIND` listener only `GET /metrics` answers; everything else there is a
/// 404 before any handler (or the SPA) runs, so that port never serves the API.
pub async fn metrics_listener_only(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if on_metrics_listener(req.request()) && !(req.path() == "/metrics" && req.method() == actix_web::http::Method::GET)
    {
        let res = ApiError::NotFound.error_response();
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

pub async fn metrics_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        metrics.observe(&method, &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// `GET /metrics` in Prometheus' text format, on the metrics listener only.
pub async fn serve_metrics(req: HttpRequest, state: web::Data<AppState>, metrics: web::Data<Metrics>) -> HttpResponse {
    if !on_metrics_listener(&req) {
        return ApiError::NotFound.error_response();
    }
    let status = state.db.pool_state();
    metrics.pool.with_label_values(&["in_use"]).set(i64::from(status.connections - status.idle_connections));
    metrics.pool.with_label_values(&["idle"]).set(i64::from(status.idle_connections));
    metrics.pool.with_label_values(&["max"]).set(i64::from(state.config.db_pool_size));
    let pending = state
        .db
        .run(|conn| Ok(email_outbox::table.filter(email_outbox::sent_at.is_null()).count().get_result::<i64>(conn)?))
        .await;
    match pending {
        Ok(n) => metrics.outbox_pending.set(n),
        Err(err) => tracing::warn!(error = %err, "metrics: outbox depth unavailable"),
    }
    metrics.event_streams.set(metrics.hub.streams() as i64);
    match state.lagging.lag().await {
        None => {}
        Some(Ok(lag)) => {
            metrics.replica_up.set(1);
            metrics.replica_lag_bytes.set(lag.bytes);
            metrics.replica_lag_seconds.set(lag.seconds);
        }
        Some(Err(err)) => {
            tracing::warn!(error = %err, "metrics: read replica lag unavailable");
            metrics.replica_up.set(0);
        }
    }
    let mut body = Vec::new();
    if let Err(err) = TextEncoder::new().encode(&metrics.registry.gather(), &mut body) {
        return ApiError::Internal(err.into()).error_response();
    }
    HttpResponse::Ok().content_type(prometheus::TEXT_FORMAT).body(body)
}
