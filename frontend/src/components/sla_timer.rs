//! Live clocks of the desk, ticking every second: a response target's (time gone against the
//! target, and its state: on time, nearly due at three quarters, late; in words as well as
//! colour), and an offer's (time left before a client's chat goes from their agent to the team).

use chrono::{DateTime, Utc};
use domain::i18n::Msg;
use domain::sla::{sla_state, timer_text, SlaState};
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The time now, moving every second while the component lives.
fn ticking() -> RwSignal<DateTime<Utc>> {
    let now = RwSignal::new(Utc::now());
    if let Ok(handle) = set_interval_with_handle(move || now.set(Utc::now()), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    now
}

#[component]
pub fn SlaTimer(since: DateTime<Utc>, due: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let now = ticking();
    let state = Memo::new(move |_| sla_state(since, due, now.get()));
    let target = timer_text((due - since).num_seconds());
    let words = move || {
        i18n.t(match state.get() {
            SlaState::Ok => Msg::SlaOk,
            SlaState::Near => Msg::SlaNear,
            SlaState::Breached => Msg::SlaBreached,
        })
    };
    view! {
        <span class="sla-timer" data-testid="sla-timer" data-state=move || state.get().as_str()
            title=i18n.tr(Msg::SlaTimerLabel)>
            <span class="sr-only">{i18n.tr(Msg::SlaTimerLabel)}": "</span>
            {move || timer_text((now.get() - since).num_seconds())}" / "{target}" · "
            <strong class="sla-state">{words}</strong>
        </span>
    }
}

/// A chat offered to the operator first (their client's): the time left before it goes to
/// the shared Inbox.
#[component]
pub fn OfferCountdown(until: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let now = ticking();
    view! {
        <span class="offer-clock" data-testid="offer-clock">
            {move || i18n.t(Msg::OfferCountdown).replace("{t}", &timer_text((until - now.get()).num_seconds()))}
        </span>
    }
}
