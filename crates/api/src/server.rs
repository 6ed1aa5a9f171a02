//! The composition root: every feature's routes in one API, the platform's middleware around
//! them, the background jobs, and a server that starts and stops as one.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::platform::auth::keys::{self, KeyCache};
use crate::platform::auth::principals::Principals;
use crate::platform::auth::tokens::TokenService;
use crate::platform::config::Config;
use crate::platform::db::reads::ReadPool;
use crate::platform::db::replica::LaggingReads;
use crate::platform::db::{self, Db};
use crate::platform::error::ApiError;
use crate::platform::events::{self, hub, listener, stream};
use crate::platform::http::{cors, health, problem_lang, routing, security_headers, spa};
use crate::platform::jobs::{self, janitor};
use crate::platform::rate_limits::RateLimits;
use crate::platform::slots::AccountSlots;
use crate::platform::storage::Storage;
use crate::platform::{mailer, metrics, telemetry};
use crate::{
    api_keys, assignment, auth, boards, calls, canned_responses, cards, contacts, conversations, custom_fields, ingest,
    invitations, notifications, openapi, platform, reports, sites, sla, tasks, users, visitor, webhooks, widget,
    AppState,
};

/// Every documented route. Used by the server and by [`openapi::openapi`], so both agree.
pub fn configure_api(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(
        utoipa_actix_web::scope("/api/v1")
            .configure(auth::routes)
            .configure(users::routes)
            .configure(invitations::routes)
            // Features with whole paths under another feature's scope come before it: a scope
            // answers 404 for a path under its prefix that it doesn't know, so `/sites/{id}/chat`
            // after the `/sites` scope would never be reached (the same for cards and boards).
            .configure(assignment::routes)
            .configure(sla::routes)
            .configure(conversations::routes)
            .configure(sites::routes)
            .configure(api_keys::routes)
            .configure(calls::routes)
            .configure(contacts::routes)
            .configure(custom_fields::routes)
            .configure(ingest::routes)
            .configure(notifications::routes)
            .configure(events::routes)
            .configure(canned_responses::routes)
            .configure(cards::routes)
            .configure(boards::routes)
            .configure(tasks::routes)
            .configure(reports::routes)
            .configure(webhooks::routes)
            .configure(visitor::routes),
    );
}

/// Connects and returns the server listening on `listener` (and on `METRICS_BIND` for
/// `/metrics` when set), not yet awaited.
pub fn build_server(config: Config, listener: TcpListener) -> anyhow::Result<Running> {
    let metrics_listener = match &config.metrics_bind {
        Some(bind) => Some(TcpListener::bind(bind)?),
        None => None,
    };
    build_server_with_metrics(config, listener, metrics_listener)
}

/// Like [`build_server`], with the metrics listener given (tests bind port 0).
pub fn build_server_with_metrics(
    config: Config,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
) -> anyhow::Result<Running> {
    let db = Db::connect_with_timeout(&config.database_url, config.db_pool_size, config.statement_timeout_ms)?;
    let tokens = TokenService::new(&config.jwt_secret, config.access_ttl_secs);
    let assets = match &config.static_dir {
        Some(dir) => Some(Arc::new(spa::Assets::load(dir)?)),
        None => None,
    };
    let jobs = start_jobs(&db, &config)?;
    let cap = |n: usize| if n == 0 { usize::MAX } else { n };
    let caps = hub::StreamCaps {
        per_user: cap(config.event_streams_per_user),
        per_visitor: cap(config.event_streams_per_visitor),
        total: cap(config.event_streams_max),
    };
    let hub = hub::Hub::new(config.event_buffer, metrics::dropped_slow_streams_counter()?, caps);
    let listening = listener::spawn(config.database_url.clone(), &hub)?;
    let realtime = stream::Realtime { hub: hub.clone(), listening };
    let replica = match &config.read_database_url {
        Some(url) => Some(Db::connect_replica(url, config.replica_pool_size, config.statement_timeout_ms)?),
        None => None,
    };
    let lagging = LaggingReads::new(db.clone(), replica)?;
    let metrics = web::Data::new(metrics::Metrics::new(&db, &lagging, hub.clone())?);
    let metrics_addr = match &metrics_listener {
        Some(l) => Some(metrics::MetricsAddr(l.local_addr()?)),
        None => None,
    };
    let principals = Principals::new(std::time::Duration::from_millis(config.principal_cache_ms));
    let api_keys = KeyCache::new(std::time::Duration::from_millis(config.principal_cache_ms));
    let export_slots = AccountSlots::new(config.export_max_per_account);
    let rate_limits = RateLimits::new(&config);
    let storage = Storage::from_config(&config)?;
    let geoip = crate::platform::geoip::GeoIp::open(&config.geoip_db)?;
    let reads = ReadPool::new(
        &config.database_url,
        config.read_pool_per_worker,
        config.statement_timeout_ms,
        db.suspicion().clone(),
    );
    let state = web::Data::new(AppState {
        db,
        reads,
        lagging,
        config: Arc::new(config),
        tokens,
        principals,
        api_keys,
        export_slots,
        rate_limits,
        realtime,
        storage,
        geoip,
    });
    let mut spec = openapi::openapi();
    // The served spec names this instance (`PUBLIC_URL`); the committed one a local `make run`.
    spec["servers"] = serde_json::json!([{"url": state.config.public_url, "description": "This instance"}]);
    let route_table = web::Data::new(Arc::new(routing::RouteTable::new(openapi::routes(&spec))));
    let state_workers = state.config.workers;
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(openapi::ApiDoc::openapi())
            .map(|app| {
                app.wrap(from_fn(keys::key_access_middleware))
                    .wrap(from_fn(routing::http_rules_middleware))
                    .wrap(from_fn(cors::cors_middleware))
                    .wrap(from_fn(problem_lang::problem_lang_middleware))
                    .wrap(from_fn(security_headers::security_headers_middleware))
                    .wrap(from_fn(telemetry::request_id_middleware))
                    .wrap(from_fn(metrics::metrics_middleware))
                    .wrap(from_fn(metrics::metrics_listener_only))
                    .app_data(state.clone())
                    .app_data(metrics.clone())
                    .app_data(metrics_addr)
                    .app_data(route_table.clone())
                    .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
                    .app_data(web::QueryConfig::default().error_handler(|err, _| {
                        ApiError::BadRequest(format!("Invalid query string: {err}"), Vec::new()).into()
                    }))
            })
            .configure(configure_api)
            .split_for_parts();
        // Unmatched paths inside /api fall through to the app default, so it must be the
        // problem+json 404 (or 405 for a known path) even when the SPA is served.
        let app = app
            .service(web::resource("/metrics").route(web::get().to(metrics::serve_metrics)))
            .service(
                web::resource("/widget.js")
                    .route(web::get().to(widget::widget_js))
                    .route(web::head().to(widget::widget_js)),
            )
            .service(web::resource("/demo").route(web::get().to(widget::demo_page)))
            .service(SwaggerUi::new("/api/docs/{_:.*}").external_url_unchecked("/api/openapi.json", spec.clone()))
            .service(web::scope("/api").default_service(web::to(routing::fallback)));
        match &assets {
            Some(assets) => app.app_data(web::Data::new(assets.clone())).default_service(web::to(spa::serve)),
            None => app.default_service(web::to(routing::fallback)),
        }
    })
    // Signals are `main`'s (it calls `Stopper::stop`, which ends the event streams first).
    .disable_signals()
    .workers(state_workers)
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    .listen(listener)?;
    let server = match metrics_listener {
        Some(l) => server.listen(l)?,
        None => server,
    }
    .run();
    Ok(Running { server, jobs: Some(jobs), stopping: None, hub })
}

/// How long a graceful stop waits for requests under way.
const SHUTDOWN_TIMEOUT_SECS: u64 = 30;

/// Advisory-lock keys of the jobs that run on one instance at a time.
const JOB_KEYS: [i64; 7] = [
    0x7072_6f73_0001,
    0x7072_6f73_0002,
    0x7072_6f73_0003,
    0x7072_6f73_0004,
    0x7072_6f73_0005,
    0x7072_6f73_0006,
    0x7072_6f73_0007,
];

/// The server's background jobs (see `jobs`).
fn start_jobs(db: &Db, config: &Config) -> anyhow::Result<jobs::Jobs> {
    use std::time::Duration;
    let mut jobs = jobs::Jobs::new();
    if let Some(mail) = config.mail.clone() {
        // Claims its rows with SKIP LOCKED: senders may run side by side.
        let (db, transport) = (db.clone(), mailer::transport(&mail.smtp_url)?);
        let idle = mail.poll_interval;
        jobs.worker("mail-sender", idle, move || {
            db.run_blocking(|conn| mailer::deliver_due(conn, &transport, &mail)).map_err(anyhow::Error::from)
        });
    }
    let minute = Duration::from_secs(60);
    jobs.every("count-compactor", minute, db.clone(), JOB_KEYS[0], |conn| {
        Ok(contacts::counters::compact(conn)? as usize)
    });
    let (idempotency, login_window, retention, deliveries) = (
        config.idempotency_ttl_hours,
        config.login_window_secs,
        config.event_retention_hours,
        config.webhooks.retention_days,
    );
    jobs.every("janitor", minute, db.clone(), JOB_KEYS[1], move |conn| {
        janitor::sweep(conn, idempotency, login_window, retention, deliveries)
    });
    // Claims with SKIP LOCKED and leases: senders run on every instance.
    if config.webhooks.send {
        let sender = platform::webhooks::dispatcher::Sender::new(db.clone(), &config.webhooks)?;
        jobs.async_worker("webhook-sender", config.webhooks.poll, move || {
            let sender = sender.clone();
            async move { sender.step().await }
        });
    }
    jobs.every("ignore-expiry", Duration::from_secs(5), db.clone(), JOB_KEYS[2], conversations::ignores::expire);
    jobs.every(
        "tasks-due",
        Duration::from_secs(config.task_due_check_secs),
        db.clone(),
        JOB_KEYS[3],
        tasks::due::notify_due,
    );
    // Leads waiting for someone are dealt on every change that frees someone up; this pass
    // also deals those a 24-hour limit released with time alone.
    let public_url = config.public_url.clone();
    jobs.every("waiting-leads", Duration::from_secs(30), db.clone(), JOB_KEYS[4], move |conn| {
        crate::assignment::deal_all_waiting(conn, &public_url)
    });
    // Response targets: a breach is recorded within this long of its due time.
    let public_url = config.public_url.clone();
    jobs.every("sla-watch", Duration::from_secs(config.sla_check_secs), db.clone(), JOB_KEYS[5], move |conn| {
        sla::watch(conn, &public_url)
    });
    // Routing: offers to a client's own agent that ran out, chats and leads nobody answered;
    // on the same beat as the response targets.
    let public_url = config.public_url.clone();
    jobs.every("routing-watch", Duration::from_secs(config.sla_check_secs), db.clone(), JOB_KEYS[6], move |conn| {
        conversations::routing::watch(conn, &public_url)
    });
    Ok(jobs)
}

/// A running server and its background jobs: awaiting it serves until the server stops,
/// then stops the jobs and waits for them; when it is dropped (a test's server), the jobs stop
/// without being waited for.
pub struct Running {
    server: Server,
    jobs: Option<jobs::Jobs>,
    /// Set once the server has stopped: its result, and the jobs' stop under way.
    stopping: Option<(std::io::Result<()>, JobsStopping)>,
    hub: Arc<hub::Hub>,
}

/// The background jobs' stop under way (see [`jobs::Jobs::stop`]).
type JobsStopping = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

impl Running {
    /// What stops this server gracefully (`main` calls it on SIGTERM and SIGINT).
    pub fn stopper(&self) -> Stopper {
        Stopper { handle: self.server.handle(), hub: self.hub.clone() }
    }
}

/// Stops a server gracefully.
#[derive(Clone)]
pub struct Stopper {
    handle: actix_web::dev::ServerHandle,
    hub: Arc<hub::Hub>,
}

impl Stopper {
    /// No new connections; the event streams end at once with a retry hint (their clients
    /// reconnect, to another instance behind a balancer, and replay what they missed);
    /// requests under way finish (up to `SHUTDOWN_TIMEOUT_SECS`); then the background jobs
    /// stop and the pools close as the server's state is dropped.
    pub async fn stop(&self) {
        self.hub.disconnect_all();
        self.handle.stop(true).await;
    }
}

impl std::future::Future for Running {
    type Output = std::io::Result<()>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        if self.stopping.is_none() {
            let done = std::task::ready!(std::pin::Pin::new(&mut self.server).poll(cx));
            // The server has stopped: the jobs stop too, each after its pass under way.
            let jobs = self.jobs.take().unwrap_or_default();
            self.stopping = Some((done, Box::pin(jobs.stop())));
        }
        let (_, jobs_stopped) = self.stopping.as_mut().expect("set above");
        std::task::ready!(jobs_stopped.as_mut().poll(cx));
        let (done, _) = self.stopping.take().expect("set above");
        std::task::Poll::Ready(done)
    }
}

/// Applies pending migrations on one connection.
pub fn migrate(database_url: &str) -> anyhow::Result<usize> {
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(database_url)?;
    db::run_migrations(&mut conn)
}

/// What `serve` does before it listens: applies pending migrations (several instances may
/// start at once; see [`db::run_migrations`]) and refuses a connection budget the database
/// does not allow. Returns how many migrations ran.
pub fn prepare_database(config: &Config) -> anyhow::Result<usize> {
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(&config.database_url)?;
    let applied = db::run_migrations(&mut conn)?;
    let budget = db::budget::ConnectionBudget::of(config);
    let allowed = db::budget::allowed(&mut conn)?;
    budget.fits(&allowed)?;
    tracing::info!(connections = budget.total(), allowed = allowed.connections, "connection budget");
    Ok(applied)
}
