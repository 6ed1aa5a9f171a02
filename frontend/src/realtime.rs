//! The operator event stream (server-sent events), shared by the whole signed-in app.
//!
//! EventSource cannot send the access token, so each connection asks for a one-minute
//! ticket first. The browser reconnects by itself after a network blip (sending
//! `Last-Event-ID`); once its ticket has expired that fails for good, and we open a new
//! stream with a new ticket, replaying after the last event seen. `reset` (too much was
//! missed) tells every screen to reload.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use domain::events::EventData;
use domain::EventKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::api;

/// One event as screens see it: its kind and data as the catalogue types them
/// (`domain::events`).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveEvent {
    /// Increases with every event received, so equal events still count as a change.
    pub seq: u64,
    pub data: EventData,
}

impl LiveEvent {
    pub fn kind(&self) -> EventKind {
        self.data.kind()
    }

    pub fn conversation_id(&self) -> Option<uuid::Uuid> {
        match &self.data {
            EventData::Typing(typing) => Some(typing.conversation_id),
            data => data.conversation().map(|c| c.conversation_id),
        }
    }

    /// Whether the desk's lists and counts may have changed: a conversation event, a
    /// message, or a reset.
    pub fn touches_desk(&self) -> bool {
        let kind = self.kind();
        kind == EventKind::MessageCreated || kind == EventKind::Reset || kind.as_str().starts_with("conversation.")
    }
}

#[derive(Clone, Copy)]
pub struct Realtime {
    /// The latest event.
    pub last: RwSignal<Option<LiveEvent>>,
    pub connected: RwSignal<bool>,
}

pub fn use_realtime() -> Realtime {
    expect_context::<Realtime>()
}

struct Connection {
    source: RefCell<Option<EventSource>>,
    last_id: Cell<Option<i64>>,
    seq: Cell<u64>,
    stopped: Cell<bool>,
}

/// Provides [`Realtime`] to the whole app: the stream is open while someone is signed in.
pub fn provide(session: crate::session::Session) -> Realtime {
    let realtime = Realtime { last: RwSignal::new(None), connected: RwSignal::new(false) };
    provide_context(realtime);
    let current: StoredValue<Option<Rc<Connection>>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        let user = session.current().map(|u| u.id);
        current.update_value(|slot| match (user, slot.as_ref()) {
            (Some(_), None) => {
                let conn = Rc::new(Connection {
                    source: RefCell::new(None),
                    last_id: Cell::new(None),
                    seq: Cell::new(0),
                    stopped: Cell::new(false),
                });
                open(conn.clone(), realtime);
                *slot = Some(conn);
            }
            (None, Some(conn)) => {
                conn.stopped.set(true);
                if let Some(source) = conn.source.borrow_mut().take() {
                    source.close();
                }
                realtime.connected.set(false);
                *slot = None;
            }
            _ => {}
        });
    });
    realtime
}

fn open(conn: Rc<Connection>, realtime: Realtime) {
    spawn_local(async move {
        if conn.stopped.get() {
            return;
        }
        let ticket = match api::notifications::event_ticket().await {
            Ok(t) => t.ticket,
            Err(_) => return retry_later(conn, realtime, 5000),
        };
        let url = api::notifications::event_stream_url(&ticket, conn.last_id.get());
        if conn.stopped.get() {
            return;
        }
        let Ok(source) = EventSource::new(&url) else { return retry_later(conn, realtime, 5000) };
        // EventSource delivers a named event only to a listener of that name: one per kind.
        for &kind in EventKind::ALL {
            let conn = conn.clone();
            let on_event = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                // Passing events (typing) have no id; the browser then repeats the last one.
                if let Ok(id) = ev.last_event_id().parse::<i64>() {
                    conn.last_id.set(Some(id));
                }
                let json: serde_json::Value =
                    ev.data().as_string().and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
                // A shape this build does not know (a newer server): not for these screens.
                let Some(data) = EventData::parse(kind, &json) else { return };
                conn.seq.set(conn.seq.get() + 1);
                realtime.last.set(Some(LiveEvent { seq: conn.seq.get(), data }));
            });
            let _ = source.add_event_listener_with_callback(kind.as_str(), on_event.as_ref().unchecked_ref());
            on_event.forget();
        }
        let on_open = Closure::<dyn FnMut()>::new(move || realtime.connected.set(true));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();
        let on_error_conn = conn.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            realtime.connected.set(false);
            let closed = on_error_conn.source.borrow().as_ref().is_some_and(|s| s.ready_state() == EventSource::CLOSED);
            // CLOSED: the browser gave up (an expired ticket gets 401): start over.
            if closed {
                retry_later(on_error_conn.clone(), realtime, 1000);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        *conn.source.borrow_mut() = Some(source);
    });
}

fn retry_later(conn: Rc<Connection>, realtime: Realtime, ms: i32) {
    if let Some(old) = conn.source.borrow_mut().take() {
        old.close();
    }
    if conn.stopped.get() {
        return;
    }
    let again = Closure::once(move || open(conn, realtime));
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(again.as_ref().unchecked_ref(), ms);
    }
    again.forget();
}
