//! `prospecta [serve [--seed-demo] [--dev] | migrate | openapi | outbox [ADDRESS]]`
//!
//! `--dev`: start without `JWT_SECRET` (a random secret for this process: sessions end with it).

use std::net::TcpListener;

// glibc's allocator showed up as ~15% of CPU in the contact-list benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use api::{build_server, migrate, openapi, prepare_database, seed, telemetry, Config};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    match command {
        "openapi" => {
            print!("{}", openapi::openapi_json());
            Ok(())
        }
        "migrate" => {
            telemetry::init_tracing("info");
            // No tokens are signed here: the secret is not needed.
            let config = Config::from_env(true)?;
            let applied = migrate(&config.database_url)?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        "serve" => serve(args.iter().any(|a| a == "--seed-demo"), args.iter().any(|a| a == "--dev")).await,
        "outbox" => {
            use diesel::Connection;
            let config = Config::from_env(true)?;
            let mut conn = diesel::PgConnection::establish(&config.database_url)?;
            let mails = api::mailer::unsent(&mut conn, args.get(1).map(String::as_str), 10)
                .map_err(|e| anyhow::anyhow!("reading the outbox: {e}"))?;
            for (to, subject, body) in mails {
                println!("To: {to}\nSubject: {subject}\n\n{body}\n----");
            }
            Ok(())
        }
        other => {
            anyhow::bail!(
                "unknown command `{other}`; use serve [--seed-demo] [--dev], migrate, openapi or outbox [ADDRESS]"
            )
        }
    }
}

async fn serve(seed_demo: bool, dev: bool) -> anyhow::Result<()> {
    telemetry::init_tracing("info,actix_server=warn");
    let config = Config::from_env(dev)?;
    let applied = prepare_database(&config)?;
    tracing::info!(applied, "migrations applied");
    if seed_demo {
        use diesel::Connection;
        let mut conn = diesel::PgConnection::establish(&config.database_url)?;
        let seeded =
            seed::seed_demo_if_empty(&mut conn).map_err(|e| anyhow::anyhow!("seeding the demo account: {e}"))?;
        if seeded {
            tracing::info!("demo account created");
        }
        println!("Demo login: {} / {}", seed::DEMO_ADMIN_EMAIL, seed::DEMO_PASSWORD);
        let key = seed::demo_site_key(&mut conn).map_err(|e| anyhow::anyhow!("reading the demo site: {e}"))?;
        if let Some(key) = key {
            println!("Demo customer page with the chat widget: {}/demo?site_key={key}", config.public_url);
        }
    }
    let listener = TcpListener::bind(&config.bind)?;
    let addr = listener.local_addr()?;
    match &config.static_dir {
        Some(dir) => tracing::info!(static_dir = %dir.display(), "serving the SPA"),
        None => tracing::warn!("no built SPA found (frontend/dist); serving the API only"),
    }
    println!("Prospecta is running on http://{addr} (API docs: http://{addr}/api/docs/)");
    let running = build_server(config, listener)?;
    let stopper = running.stopper();
    actix_web::rt::spawn(async move {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            tracing::error!("cannot listen for SIGTERM/SIGINT; stop the server with SIGKILL");
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("stopping: no new connections, streams ended, finishing requests under way");
        stopper.stop().await;
    });
    running.await?;
    tracing::info!("stopped");
    Ok(())
}
