//! Settings read from the environment once at start-up.

use std::path::PathBuf;
use std::time::Duration;

use crate::mailer::MailConfig;

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
    /// Connections of the async read path (`crate::reads`) per actix worker thread.
    pub read_pool_per_worker: usize,
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
    pub trusted_proxies: Vec<crate::extract::IpBlock>,
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
    /// Local data (attachments when no `storage_url` is set).
    pub data_dir: PathBuf,
    /// An object store for attachments, `s3://bucket`; none: `data_dir/attachments`.
    pub storage_url: Option<String>,
    /// The object store's settings (`aws_endpoint`, `aws_region`, `aws_access_key_id`,
    /// `aws_secret_access_key`, `aws_allow_http`…), read from the `AWS_*` environment.
    pub storage_options: Vec<(String, String)>,
    /// Largest attachment accepted (413 beyond, naming the limit).
    pub attachment_max_bytes: usize,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let database_url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
        let mut config = Config::for_database(database_url);
        match std::env::var("JWT_SECRET") {
            Ok(s) if s.len() >= 32 => config.jwt_secret = s.into_bytes(),
            Ok(_) => anyhow::bail!("JWT_SECRET must be at least 32 characters"),
            Err(_) => {
                tracing::warn!("JWT_SECRET is not set; using a random secret for this process")
            }
        }
        config.static_dir = std::env::var("STATIC_DIR").ok().map(PathBuf::from).or_else(|| {
            let default = PathBuf::from("frontend/dist");
            default.join("index.html").exists().then_some(default)
        });
        config.bind = env_or("BIND", "127.0.0.1:8080".to_string());
        config.public_url = match std::env::var("PUBLIC_URL") {
            Ok(url) if !url.trim().is_empty() => parse_public_url(&url)?,
            _ => format!("http://{}", config.bind),
        };
        config.secure_cookies = match std::env::var("SECURE_COOKIES") {
            Err(_) => None,
            Ok(v) if v.trim().is_empty() || v.trim().eq_ignore_ascii_case("auto") => None,
            Ok(v) => Some(parse_bool(&v).ok_or_else(|| {
                anyhow::anyhow!("SECURE_COOKIES must be true/false, 1/0, yes/no, on/off or auto, not {v:?}")
            })?),
        };
        config.db_pool_size = env_or("DB_POOL_SIZE", 16);
        config.read_pool_per_worker = env_or("DB_READ_POOL_PER_WORKER", 8);
        config.metrics_bind = std::env::var("METRICS_BIND").ok().filter(|b| !b.is_empty());
        if let Ok(list) = std::env::var("TRUSTED_PROXIES") {
            config.trusted_proxies = list
                .split(',')
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(|b| b.parse().map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}")))
                .collect::<anyhow::Result<_>>()?;
        }
        config.mail = std::env::var("SMTP_URL").ok().filter(|u| !u.is_empty()).map(|smtp_url| MailConfig {
            smtp_url,
            from: env_or("MAIL_FROM", "Prospecta <no-reply@prospecta.local>".to_string()),
            poll_interval: Duration::from_millis(env_or("MAIL_POLL_MS", 1000)),
            retry_base: Duration::from_millis(env_or("MAIL_RETRY_BASE_MS", 30_000)),
        });
        Ok(config)
    }

    /// A link into the app for an e-mail: `path` starts with `/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Defaults around a database URL, for tests and tools.
    pub fn for_database(database_url: String) -> Config {
        Config {
            database_url,
            bind: "127.0.0.1:0".into(),
            jwt_secret: random_secret(),
            access_ttl_secs: env_or("ACCESS_TOKEN_TTL_SECS", 15 * 60),
            refresh_ttl_days: env_or("REFRESH_TOKEN_TTL_DAYS", 30),
            refresh_reuse_grace_secs: env_or::<i64>("REFRESH_REUSE_GRACE_SECS", 10).clamp(0, 60),
            json_limit: env_or("JSON_LIMIT_BYTES", 256 * 1024),
            import_limit: env_or("IMPORT_LIMIT_BYTES", 20 * 1024 * 1024),
            import_csv_limit: env_or("IMPORT_CSV_LIMIT_BYTES", 200 * 1024 * 1024),
            static_dir: None,
            db_pool_size: 4,
            read_pool_per_worker: 4,
            login_max_failures: env_or("LOGIN_MAX_FAILURES", 5),
            login_window_secs: env_or("LOGIN_WINDOW_SECS", 15 * 60),
            secure_cookies: None,
            mail: None,
            metrics_bind: None,
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            principal_cache_ms: env_or("PRINCIPAL_CACHE_MS", 1000),
            idempotency_ttl_hours: env_or("IDEMPOTENCY_TTL_HOURS", 24),
            public_rate_per_minute: env_or("PUBLIC_RATE_PER_MINUTE", 20),
            api_key_rate_per_minute: env_or("API_KEY_RATE_PER_MINUTE", 12_000),
            signup_rate_per_hour: env_or("SIGNUP_RATE_PER_HOUR", 10),
            login_rate_per_minute: env_or("LOGIN_RATE_PER_MINUTE", 60),
            invitations_per_hour: env_or("INVITATIONS_PER_HOUR", 30),
            event_streams_per_user: env_or("EVENT_STREAMS_PER_USER", 10),
            event_streams_per_visitor: env_or("EVENT_STREAMS_PER_VISITOR", 3),
            event_streams_max: env_or("EVENT_STREAMS_MAX", default_streams_max()),
            invitations_per_address_per_day: env_or("INVITATIONS_PER_ADDRESS_PER_DAY", 3),
            export_max_per_account: env_or("EXPORT_MAX_PER_ACCOUNT", 2),
            export_send_timeout: Duration::from_secs(env_or("EXPORT_SEND_TIMEOUT_SECS", 30)),
            export_page_rows: env_or::<i64>("EXPORT_PAGE_ROWS", 5000).clamp(1, 50_000),
            import_max_running: env_or("IMPORT_MAX_RUNNING", 1),
            import_max_rows: env_or("IMPORT_MAX_ROWS", 2_000_000),
            statement_timeout_ms: env_or("STATEMENT_TIMEOUT_MS", 30_000),
            event_heartbeat_secs: env_or("EVENT_HEARTBEAT_SECS", 20),
            event_buffer: env_or("EVENT_BUFFER", 256),
            event_retention_hours: env_or("EVENT_RETENTION_HOURS", 24),
            visitor_messages_per_minute: env_or("VISITOR_MESSAGES_PER_MINUTE", 30),
            task_due_check_secs: env_or("TASK_DUE_CHECK_SECS", 30).max(1),
            data_dir: PathBuf::from(env_or("DATA_DIR", ".data".to_string())),
            storage_url: std::env::var("STORAGE_URL").ok().filter(|u| !u.trim().is_empty()),
            storage_options: std::env::vars()
                .filter(|(k, _)| k.starts_with("AWS_"))
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            attachment_max_bytes: env_or("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024),
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

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::{parse_bool, parse_public_url};

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
