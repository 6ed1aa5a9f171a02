//! Alerts for an operator looking elsewhere: a short chime (unless they turned sound off,
//! `UserView::sound_alerts`) and, while the app's tab is hidden, a browser notification, for
//! what `domain::desk_rules::alert_for` picks from the event stream. The tab title's unread
//! count and the bell are `focus::show_unread` and the notifications menu.
//!
//! Browsers allow neither sound nor the notification prompt before the user has interacted
//! with the page, so the desk asks on the operator's first click there (`on_desk_click`), not
//! on load.

use std::cell::{Cell, RefCell};

use domain::desk_rules::{alert_for, Alert};
use domain::events::EventData;
use domain::i18n::Msg;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::use_i18n;
use crate::realtime::use_realtime;
use crate::session::Session;

thread_local! {
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
    /// When the last chime started (ms): a replay after a reconnect chimes once, not per event.
    static LAST_CHIME: Cell<f64> = const { Cell::new(-1e9) };
    static ASKED: Cell<bool> = const { Cell::new(false) };
}

/// Alerts for the signed-in user, for as long as the shell lives.
pub fn provide(session: Session) {
    let realtime = use_realtime();
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let Some(event) = realtime.last.get() else { return };
        let Some(me) = session.user.get_untracked().flatten() else { return };
        let Some(alert) = alert_for(&event.data, me.id) else { return };
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        if alert == Alert::Reply && !hidden {
            return;
        }
        if me.sound_alerts {
            chime();
        }
        if hidden {
            let title = i18n.t(match alert {
                Alert::NewChat => Msg::NewChatArrived,
                Alert::Transferred => Msg::NotifConversationTransferred,
                Alert::Invited => Msg::NotifConversationInvited,
                Alert::Reply => Msg::AlertReply,
            });
            notify(title, &event.data, navigate.clone());
        }
    });
}

/// The operator's first click on the desk: the browser may now play sound, and is asked
/// (once) whether the app may show notifications.
pub fn on_desk_click() {
    let _ = audio().map(|a| a.resume());
    if ASKED.replace(true) || web_sys::Notification::permission() != web_sys::NotificationPermission::Default {
        return;
    }
    let _ = web_sys::Notification::request_permission();
}

fn audio() -> Option<web_sys::AudioContext> {
    AUDIO.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = web_sys::AudioContext::new().ok();
        }
        slot.clone()
    })
}

/// Two short rising tones, soft enough for an office.
fn chime() {
    let Some(ctx) = audio() else { return };
    let now = ctx.current_time();
    if now * 1000.0 - LAST_CHIME.get() < 1500.0 {
        return;
    }
    LAST_CHIME.set(now * 1000.0);
    for (i, freq) in [660.0, 880.0].into_iter().enumerate() {
        let start = now + 0.16 * i as f64;
        let (Ok(tone), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        tone.frequency().set_value(freq);
        let _ = gain.gain().set_value_at_time(0.0, start);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.2, start + 0.02);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.15);
        let _ = tone.connect_with_audio_node(&gain).and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
        let _ = tone.start_with_when(start);
        let _ = tone.stop_with_when(start + 0.16);
    }
}

/// A browser notification, if allowed; clicking it brings the tab back to the conversation.
fn notify(title: &str, data: &EventData, navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static) {
    if web_sys::Notification::permission() != web_sys::NotificationPermission::Granted {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    let conversation = data.conversation().map(|c| c.conversation_id);
    if let EventData::MessageCreated(m) = data {
        // The visitor's words, cut to what a notification shows.
        let body: String = m.message.body.chars().take(140).collect();
        options.set_body(&body);
    }
    // One notification per conversation: a newer one replaces it.
    if let Some(id) = conversation {
        options.set_tag(&id.to_string());
    }
    let Ok(shown) = web_sys::Notification::new_with_options(title, &options) else { return };
    let open = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        if let Some(id) = conversation {
            navigate(&format!("/conversations/{id}"), Default::default());
        }
    });
    shown.set_onclick(Some(open.as_ref().unchecked_ref()));
    // Lives as long as the notification may be clicked, which the page cannot know.
    open.forget();
}
