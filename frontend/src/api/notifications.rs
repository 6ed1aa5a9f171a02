//! The bell's notifications and the event stream's tickets.

use domain::{EventTicket, NotificationList};
use uuid::Uuid;

use super::ApiError;

pub async fn list() -> Result<NotificationList, ApiError> {
    super::get("/api/v1/notifications").await
}

pub async fn read_all() -> Result<(), ApiError> {
    super::post::<Option<serde_json::Value>>("/api/v1/notifications/read-all", &()).await.map(|_| ())
}

pub async fn read(id: Uuid) -> Result<(), ApiError> {
    super::post::<Option<serde_json::Value>>(&format!("/api/v1/notifications/{id}/read"), &()).await.map(|_| ())
}

/// A one-minute ticket for the operator event stream.
pub async fn event_ticket() -> Result<EventTicket, ApiError> {
    super::post("/api/v1/events/tickets", &()).await
}

/// The event stream's address for `ticket`, replaying after `last_id`.
pub fn event_stream_url(ticket: &str, last_id: Option<i64>) -> String {
    match last_id {
        Some(id) => format!("/api/v1/events?ticket={ticket}&last_event_id={id}"),
        None => format!("/api/v1/events?ticket={ticket}"),
    }
}
