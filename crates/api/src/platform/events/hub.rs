//! This instance's event streams, by account, and who may see what; how many one holder and
//! the whole instance may keep open.

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

impl Viewer {
    /// Who is counted against the per-holder cap.
    fn holder(&self) -> (bool, Uuid) {
        match *self {
            Viewer::Operator { user_id, .. } => (false, user_id),
            Viewer::Visitor { visitor_id } => (true, visitor_id),
        }
    }
}

struct Subscriber {
    viewer: Viewer,
    tx: mpsc::Sender<Arc<Event>>,
}

/// How many streams may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct StreamCaps {
    pub per_user: usize,
    pub per_visitor: usize,
    pub total: usize,
}

impl StreamCaps {
    pub const UNLIMITED: StreamCaps = StreamCaps { per_user: usize::MAX, per_visitor: usize::MAX, total: usize::MAX };
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The user or visitor holds as many streams as they may.
    Holder,
    /// The instance holds as many streams as it may.
    Instance,
}

#[derive(Default)]
struct Streams {
    accounts: HashMap<Uuid, HashMap<u64, Subscriber>>,
    per_holder: HashMap<(bool, Uuid), usize>,
    total: usize,
}

impl Streams {
    /// Forgets a subscriber taken out of `accounts`.
    fn forget(&mut self, viewer: Viewer) {
        self.total -= 1;
        if let Some(n) = self.per_holder.get_mut(&viewer.holder()) {
            *n -= 1;
            if *n == 0 {
                self.per_holder.remove(&viewer.holder());
            }
        }
    }
}

pub struct Hub {
    streams: Mutex<Streams>,
    caps: StreamCaps,
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
    pub fn new(buffer: usize, dropped_slow: prometheus::IntCounter, caps: StreamCaps) -> Arc<Hub> {
        Arc::new(Hub {
            streams: Mutex::default(),
            caps,
            next_id: AtomicU64::new(1),
            buffer: buffer.max(1),
            dropped_slow,
        })
    }

    /// A new stream for `viewer`, unless it or the instance is at its cap.
    pub fn subscribe(self: &Arc<Self>, account_id: Uuid, viewer: Viewer) -> Result<Subscription, Refused> {
        let mut streams = self.streams.lock().unwrap();
        if streams.total >= self.caps.total {
            return Err(Refused::Instance);
        }
        let (visitor, _) = viewer.holder();
        let cap = if visitor { self.caps.per_visitor } else { self.caps.per_user };
        let held = streams.per_holder.entry(viewer.holder()).or_default();
        if *held >= cap {
            return Err(Refused::Holder);
        }
        *held += 1;
        streams.total += 1;
        let (tx, rx) = mpsc::channel(self.buffer);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        streams.accounts.entry(account_id).or_default().insert(id, Subscriber { viewer, tx });
        Ok(Subscription { hub: self.clone(), account_id, id, events: rx })
    }

    fn remove(&self, account_id: Uuid, id: u64) {
        let mut streams = self.streams.lock().unwrap();
        let Some(subs) = streams.accounts.get_mut(&account_id) else { return };
        let removed = subs.remove(&id);
        if subs.is_empty() {
            streams.accounts.remove(&account_id);
        }
        if let Some(sub) = removed {
            streams.forget(sub.viewer);
        }
    }

    /// Sends `event` to every stream of its account allowed to see it. A stream whose buffer
    /// is full is cut off: its client reconnects with `Last-Event-ID` and replays from the
    /// table, instead of this instance holding an unbounded backlog for it.
    pub fn dispatch(&self, event: Arc<Event>) {
        let mut streams = self.streams.lock().unwrap();
        let Some(subs) = streams.accounts.get_mut(&event.account_id) else { return };
        let mut gone = Vec::new();
        subs.retain(|_, sub| {
            let keep = if !sub.viewer.may_see(&event) {
                !sub.tx.is_closed()
            } else {
                match sub.tx.try_send(event.clone()) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        self.dropped_slow.inc();
                        false
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => false,
                }
            };
            if !keep {
                gone.push(sub.viewer);
            }
            keep
        });
        for viewer in gone {
            streams.forget(viewer);
        }
    }

    /// Ends every stream (the LISTEN connection was lost, so events may have been missed):
    /// clients reconnect and replay what they missed.
    pub fn disconnect_all(&self) {
        *self.streams.lock().unwrap() = Streams::default();
    }

    pub fn dropped_slow(&self) -> &prometheus::IntCounter {
        &self.dropped_slow
    }

    pub fn streams(&self) -> usize {
        self.streams.lock().unwrap().total
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
            kind: domain::EventKind::MessageCreated.as_str().into(),
            everyone,
            user_ids,
            visitor_id,
            data: serde_json::json!({}),
            created_at: Utc::now(),
        })
    }

    #[test]
    fn events_reach_only_the_streams_allowed_to_see_them() {
        let hub = Hub::new(4, prometheus::IntCounter::new("t", "t").unwrap(), StreamCaps::UNLIMITED);
        let (acc, other_acc) = (Uuid::new_v4(), Uuid::new_v4());
        let (agent, colleague, visitor) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut admin_s = hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true }).unwrap();
        let mut agent_s = hub.subscribe(acc, Viewer::Operator { user_id: agent, admin: false }).unwrap();
        let mut colleague_s = hub.subscribe(acc, Viewer::Operator { user_id: colleague, admin: false }).unwrap();
        let mut visitor_s = hub.subscribe(acc, Viewer::Visitor { visitor_id: visitor }).unwrap();
        let mut stranger_s =
            hub.subscribe(other_acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true }).unwrap();
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
        let hub = Hub::new(2, prometheus::IntCounter::new("t", "t").unwrap(), StreamCaps::UNLIMITED);
        let acc = Uuid::new_v4();
        let mut slow = hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true }).unwrap();
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

    #[test]
    fn streams_are_capped_per_holder_and_per_instance_and_places_come_back() {
        let caps = StreamCaps { per_user: 2, per_visitor: 1, total: 4 };
        let hub = Hub::new(2, prometheus::IntCounter::new("t", "t").unwrap(), caps);
        let acc = Uuid::new_v4();
        let (ana, visitor) = (Uuid::new_v4(), Uuid::new_v4());
        let ana_viewer = Viewer::Operator { user_id: ana, admin: false };
        let first = hub.subscribe(acc, ana_viewer).unwrap();
        let _second = hub.subscribe(acc, ana_viewer).unwrap();
        assert_eq!(hub.subscribe(acc, ana_viewer).err(), Some(Refused::Holder));
        let _widget = hub.subscribe(acc, Viewer::Visitor { visitor_id: visitor }).unwrap();
        assert_eq!(hub.subscribe(acc, Viewer::Visitor { visitor_id: visitor }).err(), Some(Refused::Holder));
        let _other = hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true }).unwrap();
        assert_eq!(
            hub.subscribe(acc, Viewer::Operator { user_id: Uuid::new_v4(), admin: true }).err(),
            Some(Refused::Instance)
        );
        drop(first);
        assert_eq!(hub.streams(), 3);
        assert!(hub.subscribe(acc, ana_viewer).is_ok(), "a closed stream gives its place back");
    }

    #[test]
    fn a_stream_cut_off_as_too_slow_gives_its_place_back() {
        let caps = StreamCaps { per_user: 1, per_visitor: 1, total: 1 };
        let hub = Hub::new(1, prometheus::IntCounter::new("t", "t").unwrap(), caps);
        let acc = Uuid::new_v4();
        let viewer = Viewer::Operator { user_id: Uuid::new_v4(), admin: true };
        let slow = hub.subscribe(acc, viewer).unwrap();
        for _ in 0..2 {
            hub.dispatch(event(acc, true, vec![], None));
        }
        assert_eq!(hub.streams(), 0);
        let again = hub.subscribe(acc, viewer);
        assert!(again.is_ok());
        drop(slow);
        assert_eq!(hub.streams(), 1, "dropping the cut-off stream later counts nothing twice");
    }
}
