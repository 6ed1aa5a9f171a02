//! Settings read from the environment once at start-up.

use std::path::PathBuf;
use std::time::Duration;

use crate::platform::mailer::MailConfig;

/// Server settings. Every field has a development default except the database URL.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    /// `host:port` to listen on.
    pub bind: String,
    /// HMAC secret for access tokens. When unset a random one is made per process, which
    /// only means browsers silently refresh their access token after a restart.
    pub jwt_secret: Vec<u8>,
    /// Lifetime of an access token, in seconds.
    pub access_ttl_secs: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_ttl_days: i64,
    /// A refresh token spent this many seconds ago or less may be spent once more in its live
    /// session (two tabs refreshing at once with the one cookie they share); later, a second
    /// use ends the session as a stolen copy would.
    pub refresh_reuse_grace_secs: i64,
    /// Largest accepted JSON body, in bytes; larger bodies get 413.
    pub json_limit: usize,
    /// Largest CSV import request with the CSV inside JSON, in bytes.
    pub import_limit: usize,
    /// Largest CSV import sent as the body itself (`text/csv`), in bytes.
    pub import_csv_limit: usize,
    /// Built SPA (index.html + assets); `None` serves the API alone.
    pub static_dir: Option<PathBuf>,
    pub db_pool_size: u32,
    /// Connections of the async read path (`crate::platform::db::reads`) per actix worker thread.
    pub read_pool_per_worker: usize,
    /// Server worker threads (`WORKERS`; default: the machine's cores).
    pub workers: usize,
    /// Standbys for reads that tolerate lag (`READ_DATABASE_URL`): CSV export and reports.
    pub read_database_url: Option<String>,
    /// Connections to those standbys (`DB_REPLICA_POOL_SIZE`).
    pub replica_pool_size: u32,
    /// Failed logins allowed per e-mail (and 5× that per client address) in the window.
    pub login_max_failures: i64,
    pub login_window_secs: i64,
    /// Mark the refresh cookie `Secure`: always, never, or (`None`) when the request came
    /// over HTTPS (directly or, per `X-Forwarded-Proto`, through a proxy).
    pub secure_cookies: Option<bool>,
    /// Outbound e-mail; `None` keeps notifications queued in the outbox.
    pub mail: Option<MailConfig>,
    /// `host:port` of the separate listener serving `GET /metrics`; `None` serves no metrics.
    pub metrics_bind: Option<String>,
    /// Public lead submissions per site key and client address per minute (0: no limit).
    pub public_rate_per_minute: u32,
    /// Requests per integration API key per minute (0: no limit).
    pub api_key_rate_per_minute: u32,
    /// Sign-ups per client address per hour (0: no limit).
    pub signup_rate_per_hour: u32,
    /// Login requests per client address per minute (0: no limit).
    pub login_rate_per_minute: u32,
    /// Event streams one user may hold open on an instance (429 beyond; 0: no limit).
    pub event_streams_per_user: usize,
    /// Event streams one chat visitor may hold open on an instance (429 beyond; 0: no limit).
    pub event_streams_per_visitor: usize,
    /// Event streams one instance holds open at most (429 beyond); by default half the
    /// process's open-file limit, so probes, logins and the database keep their sockets
    /// (0: no limit).
    pub event_streams_max: usize,
    /// Invitations an account may send per hour, and a client address likewise (0: no limit).
    pub invitations_per_hour: u32,
    /// Invitations one e-mail address may receive from an account per day (0: no limit).
    pub invitations_per_address_per_day: u32,
    /// CSV exports of one account running at once on one instance.
    pub export_max_per_account: usize,
    /// A CSV export whose client reads nothing for this long is cut off.
    pub export_send_timeout: Duration,
    /// Contacts per database read of a CSV export (each read is one chunk of the body).
    pub export_page_rows: i64,
    /// Import jobs of one account running at once (across instances).
    pub import_max_running: i64,
    /// Most data rows one CSV import may have.
    pub import_max_rows: usize,
    /// Longest a request's SQL statement may run before PostgreSQL cancels it (503).
    pub statement_timeout_ms: u64,
    /// How long an `Idempotency-Key` and its stored answer are kept.
    pub idempotency_ttl_hours: i64,
    /// How long (ms) an instance reuses what it read of a user's role and state: the longest a
    /// demotion or a disabled account takes to bite on another instance.
    pub principal_cache_ms: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks); the
    /// client address of any other peer is the peer itself.
    pub trusted_proxies: Vec<crate::platform::http::extract::IpBlock>,
    /// Where users reach the app (scheme, host, port, no trailing slash): the start of every
    /// link in an e-mail.
    pub public_url: String,
    /// Seconds between heartbeats on an idle event stream.
    pub event_heartbeat_secs: u64,
    /// Events buffered for one stream before a client too slow to read is dropped.
    pub event_buffer: usize,
    /// How long events are kept for `Last-Event-ID` replay.
    pub event_retention_hours: i64,
    /// Messages one visitor may send per minute.
    pub visitor_messages_per_minute: u32,
    /// Seconds between looks for tasks that fell due (each assignee is told once per task).
    pub task_due_check_secs: u64,
    /// Seconds between looks for response targets that passed (each breach is told once).
    pub sla_check_secs: u64,
    /// Local data (attachments when no `storage_url` is set).
    pub data_dir: PathBuf,
    /// An object store for attachments, `s3://bucket`; none: `data_dir/attachments`.
    pub storage_url: Option<String>,
    /// The object store's settings (`aws_endpoint`, `aws_region`, `aws_access_key_id`,
    /// `aws_secret_access_key`, `aws_allow_http`…), read from the `AWS_*` environment.
    pub storage_options: Vec<(String, String)>,
    /// Largest attachment accepted (413 beyond, naming the limit).
    pub attachment_max_bytes: usize,
    /// Outbound webhooks (`platform::webhooks`).
    pub webhooks: WebhookConfig,
    /// MaxMind-format city databases for approximate locations (`GEOIP_DB`, comma-separated
    /// paths, looked up in order); none: no location from addresses.
    pub geoip_db: Vec<PathBuf>,
    /// What the client card says beside a location found from an address, and its link: the
    /// database's licence asks for it (`GEOIP_ATTRIBUTION`, `GEOIP_ATTRIBUTION_URL`).
    pub geoip_attribution: domain::Attribution,
}

/// How webhooks are sent.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// Run the sender on this instance (off: this one only writes deliveries, others send).
    pub send: bool,
    /// Allow endpoints on loopback, private and link-local addresses (tests, a LAN install);
    /// off, a URL that resolves to one is refused at send time (server-side request forgery).
    pub allow_private: bool,
    /// One attempt's limit, connection to last byte.
    pub timeout: Duration,
    /// How often an idle sender looks for due deliveries.
    pub poll: Duration,
    /// Multiplies the retry schedule (5 s … 10 h); tests make it tiny.
    pub retry_scale: f64,
    /// A subscription failing without a success for this long is disabled and its admins told.
    pub disable_after_hours: i64,
    /// Delivered and failed deliveries are kept this long for the log and redelivery.
    pub retention_days: i64,
}

impl Config {
    /// The server's settings from the process environment. Every value that does not parse
    /// stops the start with a message naming it; without `JWT_SECRET` only `dev` starts (with a
    /// random secret per process).
    pub fn from_env(dev: bool) -> anyhow::Result<Config> {
        Config::from_lookup(&|name| std::env::var(name).ok(), dev)
    }

    /// Like [`Config::from_env`], reading settings through `lookup`.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>, dev: bool) -> anyhow::Result<Config> {
        let database_url = lookup("DATABASE_URL").ok_or_else(|| anyhow::anyhow!("DATABASE_URL is not set"))?;
        let mut env = Env::new(lookup);
        let mut config = Config::read(database_url, &mut env);
        match lookup("JWT_SECRET") {
            Some(s) if s.len() >= 32 => config.jwt_secret = s.into_bytes(),
            Some(_) => env.bad.push("JWT_SECRET must be at least 32 characters".into()),
            None if dev => tracing::warn!("JWT_SECRET is not set; --dev: using a random secret for this process"),
            None => env.bad.push(
                "JWT_SECRET is not set: give it 32 or more random characters (the same on every instance), \
                 or start with --dev for a throwaway one"
                    .into(),
            ),
        }
        config.static_dir = lookup("STATIC_DIR").map(PathBuf::from).or_else(|| {
            let default = PathBuf::from("frontend/dist");
            default.join("index.html").exists().then_some(default)
        });
        config.bind = env.or("BIND", "127.0.0.1:8080".to_string());
        config.public_url = match lookup("PUBLIC_URL") {
            Some(url) if !url.trim().is_empty() => env.check(parse_public_url(&url), format!("http://{}", config.bind)),
            _ => format!("http://{}", config.bind),
        };
        config.secure_cookies = match lookup("SECURE_COOKIES") {
            None => None,
            Some(v) if v.trim().is_empty() || v.trim().eq_ignore_ascii_case("auto") => None,
            Some(v) => {
                let parsed = parse_bool(&v).ok_or_else(|| {
                    anyhow::anyhow!("SECURE_COOKIES must be true/false, 1/0, yes/no, on/off or auto, not {v:?}")
                });
                env.check(parsed.map(Some), None)
            }
        };
        config.db_pool_size = env.or("DB_POOL_SIZE", 16);
        config.read_pool_per_worker = env.or("DB_READ_POOL_PER_WORKER", 8);
        config.workers = env.or("WORKERS", config.workers).max(1);
        config.read_database_url = lookup("READ_DATABASE_URL").filter(|u| !u.trim().is_empty());
        config.metrics_bind = lookup("METRICS_BIND").filter(|b| !b.is_empty());
        if let Some(list) = lookup("TRUSTED_PROXIES") {
            let proxies = list
                .split(',')
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(|b| b.parse().map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}")))
                .collect::<anyhow::Result<_>>();
            config.trusted_proxies = env.check(proxies, Vec::new());
        }
        config.mail = lookup("SMTP_URL").filter(|u| !u.is_empty()).map(|smtp_url| MailConfig {
            smtp_url,
            from: env.or("MAIL_FROM", "Prospecta <no-reply@prospecta.local>".to_string()),
            poll_interval: Duration::from_millis(env.or("MAIL_POLL_MS", 1000)),
            retry_base: Duration::from_millis(env.or("MAIL_RETRY_BASE_MS", 30_000)),
        });
        if !env.bad.is_empty() {
            anyhow::bail!("the server cannot start with these settings:\n  {}", env.bad.join("\n  "));
        }
        Ok(config)
    }

    /// A link into the app for an e-mail: `path` starts with `/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Defaults around a database URL, for tests and tools (settings from the environment
    /// that do not parse are left at their defaults here; `from_env` refuses them).
    pub fn for_database(database_url: String) -> Config {
        let lookup = |name: &str| std::env::var(name).ok();
        Config::read(database_url, &mut Env::new(&lookup))
    }

    fn read(database_url: String, env: &mut Env) -> Config {
        Config {
            database_url,
            bind: "127.0.0.1:0".into(),
            jwt_secret: random_secret(),
            access_ttl_secs: env.or("ACCESS_TOKEN_TTL_SECS", 15 * 60),
            refresh_ttl_days: env.or("REFRESH_TOKEN_TTL_DAYS", 30),
            refresh_reuse_grace_secs: env.or::<i64>("REFRESH_REUSE_GRACE_SECS", 10).clamp(0, 60),
            json_limit: env.or("JSON_LIMIT_BYTES", 256 * 1024),
            import_limit: env.or("IMPORT_LIMIT_BYTES", 20 * 1024 * 1024),
            import_csv_limit: env.or("IMPORT_CSV_LIMIT_BYTES", 200 * 1024 * 1024),
            static_dir: None,
            db_pool_size: 4,
            read_pool_per_worker: 4,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            read_database_url: None,
            replica_pool_size: env.or("DB_REPLICA_POOL_SIZE", 4),
            login_max_failures: env.or("LOGIN_MAX_FAILURES", 5),
            login_window_secs: env.or("LOGIN_WINDOW_SECS", 15 * 60),
            secure_cookies: None,
            mail: None,
            metrics_bind: None,
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            principal_cache_ms: env.or("PRINCIPAL_CACHE_MS", 1000),
            idempotency_ttl_hours: env.or("IDEMPOTENCY_TTL_HOURS", 24),
            public_rate_per_minute: env.or("PUBLIC_RATE_PER_MINUTE", 20),
            api_key_rate_per_minute: env.or("API_KEY_RATE_PER_MINUTE", 12_000),
            signup_rate_per_hour: env.or("SIGNUP_RATE_PER_HOUR", 10),
            login_rate_per_minute: env.or("LOGIN_RATE_PER_MINUTE", 60),
            invitations_per_hour: env.or("INVITATIONS_PER_HOUR", 30),
            event_streams_per_user: env.or("EVENT_STREAMS_PER_USER", 10),
            event_streams_per_visitor: env.or("EVENT_STREAMS_PER_VISITOR", 3),
            event_streams_max: env.or("EVENT_STREAMS_MAX", default_streams_max()),
            invitations_per_address_per_day: env.or("INVITATIONS_PER_ADDRESS_PER_DAY", 3),
            export_max_per_account: env.or("EXPORT_MAX_PER_ACCOUNT", 2),
            export_send_timeout: Duration::from_secs(env.or("EXPORT_SEND_TIMEOUT_SECS", 30)),
            export_page_rows: env.or::<i64>("EXPORT_PAGE_ROWS", 5000).clamp(1, 50_000),
            import_max_running: env.or("IMPORT_MAX_RUNNING", 1),
            import_max_rows: env.or("IMPORT_MAX_ROWS", 2_000_000),
            statement_timeout_ms: env.or("STATEMENT_TIMEOUT_MS", 30_000),
            event_heartbeat_secs: env.or("EVENT_HEARTBEAT_SECS", 20),
            event_buffer: env.or("EVENT_BUFFER", 256),
            event_retention_hours: env.or("EVENT_RETENTION_HOURS", 24),
            visitor_messages_per_minute: env.or("VISITOR_MESSAGES_PER_MINUTE", 30),
            task_due_check_secs: env.or("TASK_DUE_CHECK_SECS", 30).max(1),
            sla_check_secs: env.or("SLA_CHECK_SECS", 5).max(1),
            data_dir: PathBuf::from(env.or("DATA_DIR", ".data".to_string())),
            storage_url: (env.lookup)("STORAGE_URL").filter(|u| !u.trim().is_empty()),
            storage_options: std::env::vars()
                .filter(|(k, _)| k.starts_with("AWS_"))
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            attachment_max_bytes: env.or("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024),
            geoip_db: (env.lookup)("GEOIP_DB")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect(),
            geoip_attribution: domain::Attribution {
                text: env.or("GEOIP_ATTRIBUTION", "IP Geolocation by DB-IP".to_string()),
                url: Some(env.or("GEOIP_ATTRIBUTION_URL", "https://db-ip.com".to_string())).filter(|u| !u.is_empty()),
            },
            webhooks: WebhookConfig {
                send: env.or("WEBHOOK_SENDER", BoolSetting(true)).0,
                allow_private: env.or("WEBHOOK_ALLOW_PRIVATE", BoolSetting(false)).0,
                timeout: Duration::from_millis(env.or("WEBHOOK_TIMEOUT_MS", 5000)),
                poll: Duration::from_millis(env.or("WEBHOOK_POLL_MS", 100).max(1)),
                retry_scale: env.or("WEBHOOK_RETRY_SCALE", 1.0f64).max(0.0),
                disable_after_hours: env.or("WEBHOOK_DISABLE_AFTER_HOURS", 120),
                retention_days: env.or("WEBHOOK_RETENTION_DAYS", 30).max(1),
            },
        }
    }
}

/// Half the process's open-file limit (each stream is a socket), at most 100,000.
fn default_streams_max() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("Max open files"))?.to_string();
            line.split_whitespace().nth(3)?.parse::<usize>().ok()
        })
        .unwrap_or(1024);
    (limit / 2).clamp(16, 100_000)
}

/// A boolean setting in any of its usual spellings (see [`parse_bool`]).
struct BoolSetting(bool);

impl std::str::FromStr for BoolSetting {
    type Err = ();
    fn from_str(s: &str) -> Result<BoolSetting, ()> {
        parse_bool(s).map(BoolSetting).ok_or(())
    }
}

/// The usual spellings of a boolean setting.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `PUBLIC_URL`: an absolute http(s) URL without path, query or trailing slash.
pub fn parse_public_url(value: &str) -> anyhow::Result<String> {
    let url = value.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ', '"', '<', '>']) => Ok(url.to_string()),
        _ => {
            anyhow::bail!("PUBLIC_URL must look like https://crm.example.com (scheme and host, no path), not {value:?}")
        }
    }
}

/// Reads settings, remembering each one that is set but does not parse.
struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    bad: Vec<String>,
}

impl<'a> Env<'a> {
    fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Env<'a> {
        Env { lookup, bad: Vec::new() }
    }

    /// `name` parsed, or `default` when unset or empty; a value that does not parse is
    /// remembered (and `default` used meanwhile).
    fn or<T: std::str::FromStr>(&mut self, name: &str, default: T) -> T {
        let Some(value) = (self.lookup)(name).filter(|v| !v.trim().is_empty()) else { return default };
        match value.trim().parse() {
            Ok(parsed) => parsed,
            Err(_) => {
                self.bad.push(format!("{name} must be {}, not {value:?}", expected::<T>()));
                default
            }
        }
    }

    /// The value of a check, or `fallback` with its error remembered.
    fn check<T>(&mut self, result: anyhow::Result<T>, fallback: T) -> T {
        result.unwrap_or_else(|err| {
            self.bad.push(err.to_string());
            fallback
        })
    }
}

/// What a setting of type `T` looks like, for the message naming a bad one.
fn expected<T>() -> &'static str {
    match std::any::type_name::<T>() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        name if name.ends_with("BoolSetting") => "true/false, 1/0, yes/no or on/off",
        _ => "text",
    }
}

fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{parse_bool, parse_public_url, Config};

    fn start(vars: &[(&str, &str)], dev: bool) -> anyhow::Result<Config> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(&move |name| vars.get(name).cloned(), dev)
    }

    const DB: (&str, &str) = ("DATABASE_URL", "postgres://localhost/x");
    const SECRET: (&str, &str) = ("JWT_SECRET", "0123456789abcdef0123456789abcdef");

    #[test]
    fn every_setting_that_does_not_parse_stops_the_start_and_is_named() {
        let err = start(
            &[DB, SECRET, ("DB_POOL_SIZE", "sixteen"), ("EVENT_STREAMS_MAX", "-1"), ("SECURE_COOKIES", "perhaps")],
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("DB_POOL_SIZE must be a whole number, 0 or more, not \"sixteen\""), "{err}");
        assert!(err.contains("EVENT_STREAMS_MAX must be a whole number, 0 or more, not \"-1\""), "{err}");
        assert!(err.contains("SECURE_COOKIES"), "{err}");
        let err = start(&[DB, SECRET, ("PUBLIC_URL", "crm.example.com")], false).unwrap_err().to_string();
        assert!(err.contains("PUBLIC_URL"), "{err}");
        // Unset or empty settings take their defaults.
        let config = start(&[DB, SECRET, ("DB_POOL_SIZE", ""), ("EVENT_BUFFER", " 64 ")], false).unwrap();
        assert_eq!((config.db_pool_size, config.event_buffer), (16, 64));
    }

    #[test]
    fn a_missing_jwt_secret_is_refused_unless_dev() {
        let err = start(&[DB], false).unwrap_err().to_string();
        assert!(err.contains("JWT_SECRET is not set") && err.contains("--dev"), "{err}");
        assert!(start(&[DB], true).is_ok());
        assert!(start(&[DB, ("JWT_SECRET", "short")], true).unwrap_err().to_string().contains("at least 32"));
        assert_eq!(start(&[DB, SECRET], false).unwrap().jwt_secret, SECRET.1.as_bytes());
    }

    #[test]
    fn the_public_url_is_scheme_and_host_only() {
        assert_eq!(parse_public_url(" https://crm.example.com/ ").unwrap(), "https://crm.example.com");
        assert_eq!(parse_public_url("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        for bad in ["crm.example.com", "ftp://x", "https://", "https://x/app", "https://x?a=1", "javascript:alert(1)"] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_take_their_usual_spellings() {
        for yes in ["1", "true", "TRUE", " yes ", "on"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["0", "false", "No", "off"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }
}
