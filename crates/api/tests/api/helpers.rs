//! `TestApp`: a running server on a fresh database, with typed client helpers.

use std::net::TcpListener;
use std::sync::OnceLock;

use api::{build_server_with_metrics, Config};
use diesel::{Connection, PgConnection, RunQueryDsl};
use domain::{CreatedApiKey, Problem, SiteView, TokenResponse, UserView};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .expect("TEST_DATABASE_URL must point at a PostgreSQL maintenance database (run `make test-api`)")
}

fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{db}")
}

/// Migrates the template once per test process; each test then copies it (~70 ms).
fn template_name() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        api::telemetry::init_tracing(if std::env::var("TEST_LOG").is_ok() { "info" } else { "off" });
        let name = "prospecta_test_template".to_string();
        let mut admin = PgConnection::establish(&admin_url()).expect("connect to TEST_DATABASE_URL");
        // Serialise template creation between test processes sharing a server.
        diesel::sql_query("SELECT pg_advisory_lock(7355608)").execute(&mut admin).unwrap();
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
        api::migrate(&with_db(&admin_url(), &name)).expect("migrations apply to an empty database");
        diesel::sql_query("SELECT pg_advisory_unlock(7355608)").execute(&mut admin).unwrap();
        name
    })
}

/// A migrated database of its own with no data (not a test app's), and its URL; the caller
/// drops it.
pub fn migrated_database(name: &str) -> String {
    let mut admin = PgConnection::establish(&admin_url()).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {}", template_name())).execute(&mut admin).unwrap();
    with_db(&admin_url(), name)
}

/// Drops a database made by [`migrated_database`].
pub fn drop_database(name: &str) {
    let mut admin = PgConnection::establish(&admin_url()).unwrap();
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).unwrap();
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub database_url: String,
    db_name: String,
    /// Where `/metrics` is served, for apps spawned with [`TestApp::spawn_with_metrics`].
    pub metrics_base: Option<String>,
    pub config: Config,
    /// Stops this app's server gracefully (as SIGTERM does).
    pub stopper: api::Stopper,
}

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub refresh_token: String,
    pub user: UserView,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Spawns with a tweaked configuration (shorter token lifetimes, lower limits…).
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_inner(tweak, false).await
    }

    /// Also serves `/metrics` on a second listener, at `metrics_base`.
    pub async fn spawn_with_metrics() -> TestApp {
        TestApp::spawn_inner(|_| {}, true).await
    }

    /// [`TestApp::spawn_with_metrics`] with a tweaked configuration.
    pub async fn spawn_with_metrics_and(tweak: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_inner(tweak, true).await
    }

    async fn spawn_inner(tweak: impl FnOnce(&mut Config), with_metrics: bool) -> TestApp {
        let template = template_name();
        let db_name = format!("test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {db_name} TEMPLATE {template}")).execute(&mut admin).unwrap();
        let database_url = with_db(&admin_url(), &db_name);
        let mut config = Config::for_database(database_url.clone());
        config.db_pool_size = 4;
        config.data_dir = std::env::temp_dir().join(format!("prospecta-{db_name}"));
        tweak(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let metrics_listener = with_metrics.then(|| TcpListener::bind("127.0.0.1:0").unwrap());
        let metrics_base = metrics_listener.as_ref().map(|l| format!("http://{}", l.local_addr().unwrap()));
        let server = build_server_with_metrics(config.clone(), listener, metrics_listener).expect("server starts");
        let stopper = server.stopper();
        tokio::spawn(server);
        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        TestApp { base, client, database_url, db_name, metrics_base, config, stopper }
    }

    /// A second server on the same database and JWT secret, as behind a load balancer.
    /// It does not own the database: dropping it leaves the database to the first.
    pub async fn another_instance(&self) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = build_server_with_metrics(self.config.clone(), listener, None).expect("server starts");
        let stopper = server.stopper();
        tokio::spawn(server);
        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        TestApp {
            base,
            client,
            database_url: self.database_url.clone(),
            db_name: String::new(),
            metrics_base: None,
            config: self.config.clone(),
            stopper,
        }
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let req = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token).json(body).send().await.unwrap()
    }

    /// Exchanges a refresh token sent in the body, as a non-browser client does.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post("/api/v1/auth/refresh", None, &json!({ "refresh_token": refresh_token })).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token)).json(body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token)).send().await.unwrap()
    }

    /// Signs up a new account whose admin has `email`: asks, reads the link from the
    /// outbox, confirms.
    pub async fn signup(&self, account: &str, email: &str) -> Session {
        let res = self
            .post(
                "/api/v1/auth/signup",
                None,
                &json!({"account_name": account, "name": "Admin", "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "signup failed");
        let token = self.mailed_token(email, "/verify-email?token=");
        let res = self.post("/api/v1/auth/signup/confirm", None, &json!({"token": token})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "signup confirmation failed");
        session(res.json().await.unwrap())
    }

    /// The mail to `to` most recently queued, as (subject, body).
    pub fn last_mail(&self, to: &str) -> (String, String) {
        use diesel::prelude::*;
        use diesel::sql_types::Text;
        #[derive(QueryableByName)]
        struct Mail {
            #[diesel(sql_type = Text)]
            subject: String,
            #[diesel(sql_type = Text)]
            body: String,
        }
        let mail: Mail = diesel::sql_query(
            "SELECT subject, body FROM email_outbox WHERE to_address = $1 ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind::<Text, _>(domain::normalize_email(to))
        .get_result(&mut self.conn())
        .unwrap_or_else(|e| panic!("no mail to {to}: {e}"));
        (mail.subject, mail.body)
    }

    /// Waits (up to 10 s) until a mail to `to` is in the outbox: mail written after the answer
    /// (password reset) is not there the moment the answer is.
    pub async fn wait_for_mail(&self, to: &str) {
        let sql = format!("SELECT count(*) FROM email_outbox WHERE to_address = '{}'", domain::normalize_email(to));
        for _ in 0..200 {
            if self.count(&sql) > 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no mail to {to} within 10 s");
    }

    /// The token in the link after `link_start` (e.g. `/verify-email?token=`) in the last
    /// mail to `to`.
    pub fn mailed_token(&self, to: &str, link_start: &str) -> String {
        let (_, body) = self.last_mail(to);
        let at = body.find(link_start).unwrap_or_else(|| panic!("no {link_start} link in: {body}"));
        body[at + link_start.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/api/v1/auth/login", None, &json!({"email": email, "password": password})).await
    }

    pub async fn login_ok(&self, email: &str) -> Session {
        self.login_ok_with(email, PASSWORD).await
    }

    pub async fn login_ok_with(&self, email: &str, password: &str) -> Session {
        let res = self.login(email, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login failed");
        session(res.json().await.unwrap())
    }

    /// Adds a user to the admin's account the way people do: invites them, reads the link
    /// from the outbox, accepts with [`PASSWORD`], and returns their session.
    /// Their name is the address's local part, capitalised, with a surname (`bia@…` → "Bia Teste").
    pub async fn create_user(&self, admin: &Session, email: &str, role: &str) -> Session {
        let local = email.split('@').next().unwrap_or("someone");
        let name = format!("{}{} Teste", local[..1].to_uppercase(), &local[1..]);
        let res = self
            .post("/api/v1/invitations", Some(&admin.token), &json!({"email": email, "name": name, "role": role}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "invitation failed");
        self.accept_invitation(email).await
    }

    /// Accepts the last invitation mailed to `email` with [`PASSWORD`].
    pub async fn accept_invitation(&self, email: &str) -> Session {
        let token = self.mailed_token(email, "/accept-invitation?token=");
        let res = self.post("/api/v1/invitations/accept", None, &json!({"token": token, "password": PASSWORD})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "accepting the invitation failed");
        session(res.json().await.unwrap())
    }

    pub async fn create_site(&self, admin: &Session, name: &str) -> SiteView {
        let res =
            self.post("/api/v1/sites", Some(&admin.token), &json!({"name": name, "url": "https://shop.test"})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create site failed");
        res.json().await.unwrap()
    }

    pub async fn create_api_key(&self, admin: &Session, scopes: &[&str]) -> CreatedApiKey {
        let res =
            self.post("/api/v1/api-keys", Some(&admin.token), &json!({"name": "Chatbot", "scopes": scopes})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create api key failed");
        res.json().await.unwrap()
    }

    /// Sends a lead with an integration API key.
    pub async fn ingest(&self, api_key: &str, body: &Value) -> Response {
        self.request(Method::POST, "/api/v1/leads", None).header("x-api-key", api_key).json(body).send().await.unwrap()
    }

    /// Sends a lead and returns the contact, asserting success.
    pub async fn ingest_ok(&self, api_key: &str, body: &Value) -> domain::ContactView {
        let res = self.ingest(api_key, body).await;
        assert!(res.status().is_success(), "ingest failed: {}", res.status());
        res.json::<domain::IngestLeadResponse>().await.unwrap().contact
    }

    /// Runs SQL on this test's database, to check what was (not) written.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = PgConnection::establish(&self.database_url).unwrap();
        diesel::sql_query(format!("SELECT ({sql})::bigint AS n")).get_result::<Count>(&mut conn).unwrap().n
    }

    /// A connection to this test's database, to arrange what no endpoint can (old rows).
    pub fn conn(&self) -> PgConnection {
        PgConnection::establish(&self.database_url).unwrap()
    }

    /// Runs a statement on the test database (to age rows, say).
    pub fn conn_exec(&self, sql: &str) {
        use diesel::RunQueryDsl;
        diesel::sql_query(sql).execute(&mut self.conn()).unwrap();
    }

    /// [`TestApp::conn_exec`] off the test's runtime, for a statement that takes seconds:
    /// blocking the runtime that long keeps the HTTP client from seeing the server close its
    /// idle connections, and the next request fails on a closed one.
    pub async fn conn_exec_slow(&self, sql: &str) {
        let (url, sql) = (self.database_url.clone(), sql.to_string());
        tokio::task::spawn_blocking(move || {
            use diesel::RunQueryDsl;
            diesel::sql_query(sql).execute(&mut PgConnection::establish(&url).unwrap()).unwrap();
        })
        .await
        .unwrap();
    }

    /// Posts a lead with a site's public key, as a web page would.
    pub async fn submit(&self, site_key: &str, body: &Value) -> Response {
        self.request(Method::POST, "/api/v1/leads", None)
            .header("x-site-key", site_key)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.db_name.is_empty() {
            return; // another instance on someone else's database
        }
        if let Ok(mut admin) = PgConnection::establish(&admin_url()) {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db_name)).execute(&mut admin);
        }
        // The attachments folder `spawn_inner` chose, with whatever the test stored there.
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("prospecta-{}", self.db_name)));
    }
}

/// A client whose requests come from `ip` (any 127.x address works on loopback), to act as
/// different client addresses.
pub fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(ip.parse::<std::net::IpAddr>().unwrap()).build().unwrap()
}

pub fn session(tokens: TokenResponse) -> Session {
    let refresh_token = tokens.refresh_token.expect("sign-up, login and body refreshes return the refresh token");
    Session { token: tokens.access_token, refresh_token, user: tokens.user }
}

/// Asserts a problem+json response with `status`, and returns the problem.
pub async fn problem(res: Response, status: StatusCode) -> Problem {
    assert_eq!(res.status(), status);
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(content_type, "application/problem+json");
    let problem: Problem = res.json().await.unwrap();
    assert_eq!(problem.status, status.as_u16());
    assert!(problem.request_id.is_some(), "problems carry the request id");
    problem
}

/// The fields named by a problem, sorted.
pub fn fields(problem: &Problem) -> Vec<&str> {
    let mut f: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    f.sort();
    f
}
