//! A chat visitor and an SSE reader, for the desk and realtime tests.

use std::time::Duration;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{Session, TestApp};

/// A browser with the widget open on a site.
pub struct Visitor {
    pub site_key: String,
    pub token: String,
    pub conversation_id: Uuid,
}

impl TestApp {
    pub fn visitor_request(
        &self,
        method: Method,
        path: &str,
        site_key: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let req = self.client.request(method, format!("{}{path}", self.base)).header("x-site-key", site_key);
        match token {
            Some(t) => req.header("x-visitor-token", t),
            None => req,
        }
    }

    /// Starts a chat as a new visitor; the site's bot (if on) has asked its first question.
    pub async fn start_chat(&self, site_key: &str, lang: &str) -> (Visitor, Value) {
        let res = self
            .visitor_request(Method::POST, "/api/v1/visitor/conversations", site_key, None)
            .json(&json!({"page_url": "https://acme.test/precos", "utm_source": "google", "lang": lang}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        let visitor = Visitor {
            site_key: site_key.to_string(),
            token: body["visitor_token"].as_str().unwrap().to_string(),
            conversation_id: body["chat"]["conversation_id"].as_str().unwrap().parse().unwrap(),
        };
        (visitor, body["chat"].clone())
    }

    pub async fn visitor_says(&self, v: &Visitor, text: &str) -> Response {
        let path = format!("/api/v1/visitor/conversations/{}/messages", v.conversation_id);
        self.visitor_request(Method::POST, &path, &v.site_key, Some(&v.token))
            .json(&json!({"body": text}))
            .send()
            .await
            .unwrap()
    }

    pub async fn visitor_chat(&self, v: &Visitor) -> Value {
        let path = format!("/api/v1/visitor/conversations/{}", v.conversation_id);
        let res = self.visitor_request(Method::GET, &path, &v.site_key, Some(&v.token)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// A visitor who answered the default bot (name, e-mail): waiting in the Inbox.
    pub async fn waiting_chat(&self, site_key: &str, name: &str, email: &str) -> Visitor {
        let (v, _) = self.start_chat(site_key, "en").await;
        assert_eq!(self.visitor_says(&v, name).await.status(), StatusCode::CREATED);
        assert_eq!(self.visitor_says(&v, email).await.status(), StatusCode::CREATED);
        v
    }

    pub async fn desk(&self, session: &Session, view: &str) -> Value {
        let res = self.get(&format!("/api/v1/conversations?view={view}"), &session.token).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn act(&self, session: &Session, id: Uuid, action: &str) -> Response {
        self.post(&format!("/api/v1/conversations/{id}/{action}"), Some(&session.token), &json!({})).await
    }

    /// Opens the operator event stream of `session`, replaying after `last_event_id`.
    pub async fn operator_stream(&self, session: &Session, last_event_id: Option<i64>) -> EventReader {
        let res = self.post("/api/v1/events/tickets", Some(&session.token), &json!({})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let ticket: Value = res.json().await.unwrap();
        let mut url = format!("{}/api/v1/events?ticket={}", self.base, ticket["ticket"].as_str().unwrap());
        if let Some(id) = last_event_id {
            url.push_str(&format!("&last_event_id={id}"));
        }
        EventReader::open(&url).await
    }

    /// A ticket for `v`'s event stream.
    pub async fn visitor_ticket(&self, v: &Visitor) -> String {
        let res = self
            .visitor_request(Method::POST, "/api/v1/visitor/tickets", &v.site_key, Some(&v.token))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_string()
    }

    pub async fn visitor_stream(&self, v: &Visitor) -> EventReader {
        let ticket = self.visitor_ticket(v).await;
        EventReader::open(&format!("{}/api/v1/visitor/events?ticket={ticket}", self.base)).await
    }
}

/// One received event.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: Option<i64>,
    pub kind: String,
    pub data: Value,
}

/// Reads a `text/event-stream` response frame by frame.
pub struct EventReader {
    res: Response,
    buffer: String,
    /// A visitor's stream (its `data` is a `VisitorEvent`) rather than an operator's.
    visitor: bool,
}

impl EventReader {
    pub async fn open(url: &str) -> EventReader {
        let res = reqwest::Client::new().get(url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "stream opens");
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        EventReader { res, buffer: String::new(), visitor: url.contains("/visitor/events") }
    }

    /// The next event (heartbeats and `retry:` lines skipped), or None after `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, None);
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.parse().ok();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        kind = Some(v.to_string());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = serde_json::from_str(v).ok();
                    }
                }
                if let Some(kind) = kind {
                    let data = data.unwrap_or(Value::Null);
                    self.check_catalogue(&kind, &data);
                    return Some(Received { id, kind, data });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Every event any test reads is exactly what `domain::events` says its kind carries:
    /// parsed as that kind's payload and written back, it is the same JSON.
    fn check_catalogue(&self, kind: &str, data: &Value) {
        let event_kind = domain::EventKind::parse(kind).unwrap_or_else(|| panic!("`{kind}` is not in the catalogue"));
        let typed = if self.visitor {
            serde_json::from_value::<domain::events::VisitorEvent>(data.clone())
                .ok()
                .map(|v| serde_json::to_value(v).unwrap())
        } else {
            domain::events::EventData::parse(event_kind, data).map(|d| d.to_json())
        };
        assert_eq!(typed.as_ref(), Some(data), "`{kind}` data against its catalogue schema");
    }

    /// The next event of `kind`, skipping others; panics after `wait`.
    pub async fn expect(&mut self, kind: &str, wait: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(event) if event.kind == kind => return event,
                Some(_) => continue,
                None => panic!("no `{kind}` event within {wait:?}"),
            }
        }
    }

    /// Whether the server ends the stream within `wait` (events before the end are skipped).
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.res.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
            }
        }
    }

    /// Every event that arrives within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> Vec<Received> {
        let mut out = Vec::new();
        while let Some(event) = self.next(wait).await {
            out.push(event);
        }
        out
    }
}
