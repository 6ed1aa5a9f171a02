//! Outbound webhooks: subscriptions, their deliveries, the payloads only webhooks carry
//! (clients, leads, tasks) and the retry schedule. The catalogue of kinds is the one of the
//! event stream (`events::EventKind`); see docs/INTEGRATIONS.md.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::events::EventKind;
use crate::{ContactView, TaskView};

/// A client as it is after the change, and what changed (`field`, old and new values, as
/// the client's change log shows them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactEvent {
    pub contact: ContactView,
    pub changes: Vec<FieldChange>,
    /// Who made it, in words: a user's name, `API key "ERP"`, `auto-assignment`…
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    /// `created`, `status`, `assignee_id`, `name`, `tags`, `note`, `merge`…
    pub field: String,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
}

/// A task as it is after the change (as it was, for `task.deleted`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskEvent {
    pub task: TaskView,
}

/// Sent by "Send test event" to one subscription only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookTest {
    pub webhook_id: Uuid,
}

/// The kinds a subscription may choose: the catalogue less what concerns one user's screen
/// (notifications, presence, typing, an ignore running out, a stream's reset).
pub fn webhook_kinds() -> Vec<EventKind> {
    EventKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            !matches!(
                k,
                EventKind::NotificationCreated
                    | EventKind::PresenceChanged
                    | EventKind::Typing
                    | EventKind::Reset
                    | EventKind::ConversationIgnoreExpired
            )
        })
        .collect()
}

/// A kind a subscription may take, in the spec: an enum of [`webhook_kinds`] (built from the
/// catalogue, so it cannot drift).
pub struct WebhookEventType;

impl utoipa::PartialSchema for WebhookEventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(webhook_kinds().into_iter().map(|k| k.as_str())))
            .description(Some("An event kind (docs/INTEGRATIONS.md lists what each carries)."))
            .into()
    }
}

impl utoipa::ToSchema for WebhookEventType {}

/// A webhook subscription as listed (its secret is shown once, at creation or rotation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    /// The kinds sent; empty: every kind.
    #[schema(value_type = Vec<WebhookEventType>)]
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why it was disabled when the server did it (sustained failure).
    pub disabled_reason: Option<String>,
    /// Failing without a success since then.
    pub failing_since: Option<DateTime<Utc>>,
    /// After a rotation, the old secret also signs until then.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookView>,
}

/// Returned once, at creation and rotation: store `secret`, it cannot be shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookWithSecret {
    pub webhook: WebhookView,
    /// `whsec_` + base64 key: verify `webhook-signature` with it.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://erp.example.com/hooks/prospecta", "event_types": ["contact.created", "card.won"]}))]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: `https://` (or `http://`), a public address.
    #[validate(custom(function = "crate::sites::validate_site_url"))]
    #[schema(
        max_length = 2048,
        pattern = "^https?://([^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@\\[\\]]*@)?[^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@:\\[\\]]+(:[0-9]{1,5})?([/?#][^\\s\\u0000-\\u001F\\u007F-\\u009F]*)?$"
    )]
    pub url: String,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub description: Option<String>,
    /// Kinds to send, each once; empty or absent: every kind.
    #[validate(custom(function = "validate_event_types"))]
    #[serde(default)]
    #[schema(value_type = Vec<WebhookEventType>, max_items = 64)]
    pub event_types: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[validate(custom(function = "crate::sites::validate_site_url"))]
    #[schema(
        max_length = 2048,
        pattern = "^https?://([^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@\\[\\]]*@)?[^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@:\\[\\]]+(:[0-9]{1,5})?([/?#][^\\s\\u0000-\\u001F\\u007F-\\u009F]*)?$"
    )]
    pub url: Option<String>,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// Kinds to send, each once; empty: every kind.
    #[validate(custom(function = "validate_event_types"))]
    #[schema(value_type = Option<Vec<WebhookEventType>>, max_items = 64)]
    pub event_types: Option<Vec<String>>,
    /// Turning a subscription back on clears its failure state.
    pub enabled: Option<bool>,
}

/// Every name must be a webhook kind, once.
pub fn validate_event_types(types: &[String]) -> Result<(), validator::ValidationError> {
    let kinds = webhook_kinds();
    let known = types.iter().all(|t| EventKind::parse(t).is_some_and(|k| kinds.contains(&k)));
    let mut sorted: Vec<&String> = types.iter().collect();
    sorted.sort();
    sorted.dedup();
    if !known {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        return Err(validator::ValidationError::new("one_of")
            .with_message(format!("each must be one of: {}", names.join(", ")).into()));
    }
    if sorted.len() != types.len() {
        return Err(validator::ValidationError::new("unique").with_message("must not repeat a kind".into()));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; "Redeliver" tries again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// One event sent (or to be sent) to one subscription, with its last attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryView {
    pub id: i64,
    /// The `webhook-id` header: the same on every retry and redelivery.
    pub message_id: String,
    #[schema(value_type = WebhookEventType)]
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The endpoint's HTTP status at the last attempt.
    pub response_status: Option<i32>,
    /// The first characters of its answer.
    pub response_excerpt: Option<String>,
    /// Why the last attempt failed without an answer (timeout, refused address…).
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body sent, exactly as signed.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryPage {
    pub items: Vec<WebhookDeliveryView>,
    /// Pass as `before` for older deliveries; `null` at the end.
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    /// Deliveries older than this id (from `next_before`).
    #[validate(range(min = 1, message = "must be 1 or more"))]
    #[param(minimum = 1)]
    pub before: Option<i64>,
    #[validate(range(min = 1, max = 100, message = "must be 1 to 100"))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// When attempt `attempt` (1-based, the one that just failed) is retried, before jitter:
/// the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 27.6
/// hours in all) times `scale` (tests shorten it); `None` once the schedule is spent.
pub fn retry_delay_secs(attempt: i32, scale: f64) -> Option<f64> {
    const SCHEDULE: [f64; 7] = [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0];
    let index = usize::try_from(attempt).ok()?.checked_sub(1)?;
    SCHEDULE.get(index).map(|secs| secs * scale)
}

/// `delay` moved by up to ±20 % (`unit` in [0, 1)), so that retries of many deliveries that
/// failed together do not arrive together.
pub fn with_jitter(delay: f64, unit: f64) -> f64 {
    delay * (0.8 + 0.4 * unit.clamp(0.0, 1.0))
}

/// What one entry of a client's change log announces, from the fields it changed and, for a
/// new client, the channel it came by: a new client is `contact.created`, and a lead (not
/// typed in or imported) also `lead.received`, as is a known client sending again; a status
/// is `contact.status_changed`, a seller `contact.assigned`, anything else `contact.updated`.
pub fn contact_event_kinds(fields: &[&str], created_by_channel: Option<&str>) -> Vec<EventKind> {
    let mut kinds = Vec::new();
    let lead_channel = |c: &str| !matches!(c, "manual" | "import");
    if fields.contains(&"created") {
        kinds.push(EventKind::ContactCreated);
    }
    if created_by_channel.is_some_and(lead_channel)
        || fields.iter().any(|f| matches!(*f, "submitted_again" | "resubmitted"))
    {
        kinds.push(EventKind::LeadReceived);
    }
    if fields.contains(&"status") {
        kinds.push(EventKind::ContactStatusChanged);
    }
    if fields.contains(&"assignee_id") {
        kinds.push(EventKind::ContactAssigned);
    }
    let other = |f: &&str| !matches!(*f, "created" | "submitted_again" | "resubmitted" | "status" | "assignee_id");
    if fields.iter().any(other) {
        kinds.push(EventKind::ContactUpdated);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_last_more_than_a_day_then_stop() {
        let total: f64 = (1..).map_while(|a| retry_delay_secs(a, 1.0)).sum();
        assert!(total >= 24.0 * 3600.0, "{total}");
        assert_eq!(retry_delay_secs(1, 1.0), Some(5.0));
        assert_eq!(retry_delay_secs(8, 1.0), None);
        assert_eq!(retry_delay_secs(0, 1.0), None);
        assert_eq!(retry_delay_secs(2, 0.01), Some(3.0));
        assert_eq!(with_jitter(100.0, 0.0), 80.0);
        assert!((with_jitter(100.0, 1.0) - 120.0).abs() < 1e-9);
    }

    #[test]
    fn a_client_change_announces_what_it_changed() {
        use EventKind::*;
        assert_eq!(contact_event_kinds(&["created"], Some("form")), vec![ContactCreated, LeadReceived]);
        assert_eq!(contact_event_kinds(&["created"], Some("manual")), vec![ContactCreated]);
        assert_eq!(contact_event_kinds(&["created"], Some("import")), vec![ContactCreated]);
        assert_eq!(contact_event_kinds(&["submitted_again"], None), vec![LeadReceived]);
        assert_eq!(contact_event_kinds(&["status", "name"], None), vec![ContactStatusChanged, ContactUpdated]);
        assert_eq!(contact_event_kinds(&["assignee_id"], None), vec![ContactAssigned]);
        assert_eq!(contact_event_kinds(&["note"], None), vec![ContactUpdated]);
        assert!(contact_event_kinds(&[], None).is_empty());
    }

    #[test]
    fn subscriptions_choose_among_webhook_kinds_once_each() {
        let ok = |v: &[&str]| validate_event_types(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>()).is_ok();
        assert!(ok(&[]));
        assert!(ok(&["contact.created", "card.won"]));
        assert!(!ok(&["typing"]), "one user's screen only");
        assert!(!ok(&["card.exploded"]));
        assert!(!ok(&["card.won", "card.won"]));
    }
}
