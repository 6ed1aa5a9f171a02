//! The instance's one LISTEN connection. diesel cannot wait for notifications (it only
//! drains ones already received), so this connection is tokio-postgres on a thread of its
//! own, feeding the [`Hub`].

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_postgres::{AsyncMessage, NoTls};

use super::hub::Hub;
use super::{Announcement, Event, CHANNEL};

/// Whether the LISTEN is in place (streams wait for it, so none misses an event).
pub type Listening = watch::Receiver<bool>;

/// Listens until the hub is gone (its server stopped).
pub fn spawn(database_url: String, hub: &Arc<Hub>) -> anyhow::Result<Listening> {
    let hub = Arc::downgrade(hub);
    let (ready_tx, ready_rx) = watch::channel(false);
    std::thread::Builder::new().name("event-listener".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(err) => return tracing::error!(error = %err, "event listener: no runtime"),
        };
        runtime.block_on(async move {
            let mut backoff = Duration::from_millis(200);
            while hub.strong_count() > 0 {
                match listen(&database_url, &hub, &ready_tx).await {
                    Ok(()) => tracing::warn!("event listener: connection closed; reconnecting"),
                    Err(err) => tracing::warn!(error = %err, "event listener failed; reconnecting"),
                }
                ready_tx.send_replace(false);
                // Events may have been missed: every stream ends and its client replays.
                if let Some(hub) = hub.upgrade() {
                    hub.disconnect_all();
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        });
    })?;
    Ok(ready_rx)
}

async fn listen(database_url: &str, hub: &Weak<Hub>, ready: &watch::Sender<bool>) -> anyhow::Result<()> {
    let (client, mut connection) = tokio_postgres::connect(database_url, NoTls).await?;
    let (tx, mut payloads) = mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "event listener connection error");
                    break;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    ready.send_replace(true);
    tracing::info!("listening for events");
    while let Some(payload) = payloads.recv().await {
        let Some(hub) = hub.upgrade() else { break };
        match serde_json::from_str::<Announcement>(&payload) {
            Ok(Announcement::Inline(event)) => hub.dispatch(Arc::new(event)),
            Ok(Announcement::ById { id }) => {
                let row = client.query_opt("SELECT row_to_json(e)::text FROM events e WHERE id = $1", &[&id]).await?;
                if let Some(row) = row {
                    let json: String = row.get(0);
                    match serde_json::from_str::<Event>(&json) {
                        Ok(event) => hub.dispatch(Arc::new(event)),
                        Err(err) => tracing::warn!(error = %err, id, "unreadable event row"),
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "unreadable event announcement"),
        }
    }
    driver.abort();
    Ok(())
}
