//! This instance's event streams, by account, and who may see what.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use uuid::Uuid;

use super::Event;

/// Who holds a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Operator { user_id: Uuid, admin: bool },
    Visitor { visitor_id: Uuid },
}

impl Viewer {
    /// Admins see every event of their account; agents the ones for everyone or for them;
    /// a visitor only those addressed to it.
    pub fn may_see(&self, event: &Event) -> bool {
        match *self {
            Viewer::Operator { user_id, admin } => admin || event.everyone || event.user_ids.contains(&user_id),
            Viewer::Visitor { visitor_id } => event.visitor_id == Some(visitor_id),
        }
    }
}

struct Subscriber {
    viewer: Viewer,
    tx: mpsc::Sender<Arc<Event>>,
}

pub struct Hub {
    accounts: Mutex<HashMap<Uuid, HashMap<u64, Subscriber>>>,
    next_id: AtomicU64,
    /// Events a stream may have waiting before its client counts as too slow.
    buffer: usize,
    dropped_slow: prometheus::IntCounter,
}

/// One stream's end of the hub; leaving it (drop) unsubscribes.
pub struct Subscription {
    hub: Arc<Hub>,
    account_id: Uuid,
    id: u64,
    pub events: mpsc::Receiver<Arc<Event>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.remove(self.account_id, self.id);
    }
}

impl Hub {
    pub fn new(buffer: usize, dropped_slow: prometheus::IntCounter) -> Arc<Hub> {
        Arc::new(Hub { accounts: Mutex::default(), next_id: AtomicU64::new(1), buffer: buffer.max(1), dropped_slow })
    }

    pub fn subscribe(self: &Arc<Self>, account_id: Uuid, viewer: Viewer) -> Subscription {
        let (tx, rx) = mpsc::channel(self.buffer);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.accounts.lock().unwrap().entry(account_id).or_default().insert(id, Subscriber { viewer, tx });
        Subscription { hub: self.clone(), account_id, id, events: rx }
    }

    fn remove(&self, account_id: Uuid, id: u64) {
        let mut accounts = self.accounts.lock().unwrap();
        if let Some(subs) = accounts.get_mut(&account_id) {
            subs.remove(&id);
            if subs.is_empty() {
                accounts.remove(&account_id);
            }
        }
    }

    /// Sends `event` to every stream of its account allowed to see it. A stream whose buffer
    /// is full is cut off: its client reconnects with `Last-Event-ID` and replays from the
    /// table, instead of this instance holding an unbounded backlog for it.
    pub fn dispatch(&self, event: Arc<Event>) {
        let mut accounts = self.accounts.lock().unwrap();
        let Some(subs) = accounts.get_mut(&event.account_id) else { return };
        subs.retain(|_, sub| {
            if !sub.viewer.may_see(&event) {
                return !sub.tx.is_closed();
            }
            match sub.tx.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    self.dropped_slow.inc();
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
    }

    /// Ends every stream (the LISTEN connection was lost, so events may have been missed):
    /// clients reconnect and replay what they missed.
    pub fn disconnect_all(&self) {
        self.accounts.lock().unwrap().clear();
    }

    pub fn dropped_slow(&self) -> &prometheus::IntCounter {
        &self.dropped_slow
    }

    pub fn streams(&self) -> usize {
        self.accounts.lock().unwrap().values().map(HashMap::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn event(account_id: Uuid, everyone: bool, user_ids: Vec<Uuid>, visitor_id: Option<Uuid>) -> Arc<Event> {
        Arc::new(Event {
            id: 1,
            account_id,
            kind: "message.created".into(),
            everyone,
            user_ids,
            visitor_id,
            data: serde_json::json!({}),
            created_at: Utc::now(),
        })
    }

    #[test]
    fn events_reach_only_the_streams_allowed_to_see_them() {
        let hub = Hub::new(4, prometheus::IntCounter::new("t", "t").unwrap());
        let (acc, other_acc) = (Uuid::new_v4(), Uuid::new_v4());
        let (agent, colleague, visitor) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut admin_s = hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true });
        let mut agent_s = hub.subscribe(acc, Viewer::Operator { user_id: agent, admin: false });
        let mut colleague_s = hub.subscribe(acc, Viewer::Operator { user_id: colleague, admin: false });
        let mut visitor_s = hub.subscribe(acc, Viewer::Visitor { visitor_id: visitor });
        let mut stranger_s = hub.subscribe(other_acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true });
        hub.dispatch(event(acc, false, vec![agent], Some(visitor)));
        assert!(admin_s.events.try_recv().is_ok());
        assert!(agent_s.events.try_recv().is_ok());
        assert!(colleague_s.events.try_recv().is_err());
        assert!(visitor_s.events.try_recv().is_ok());
        assert!(stranger_s.events.try_recv().is_err());
        hub.dispatch(event(acc, true, vec![], None));
        assert!(colleague_s.events.try_recv().is_ok());
        assert!(visitor_s.events.try_recv().is_err());
    }

    #[test]
    fn a_stream_that_does_not_read_is_dropped_when_its_buffer_is_full() {
        let hub = Hub::new(2, prometheus::IntCounter::new("t", "t").unwrap());
        let acc = Uuid::new_v4();
        let mut slow = hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true });
        for _ in 0..3 {
            hub.dispatch(event(acc, true, vec![], None));
        }
        assert_eq!(hub.streams(), 0);
        // What was buffered is still delivered, then the stream ends.
        assert!(slow.events.try_recv().is_ok());
        assert!(slow.events.try_recv().is_ok());
        assert!(matches!(slow.events.try_recv(), Err(mpsc::error::TryRecvError::Disconnected)));
        drop(slow);
    }
}
