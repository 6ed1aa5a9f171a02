//! A response target's live clock: time gone against the target, and its state (on time,
//! nearly due at three quarters, late) in words as well as colour. Ticks every second.

use chrono::{DateTime, Utc};
use domain::i18n::Msg;
use domain::sla::{sla_state, timer_text, SlaState};
use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn SlaTimer(since: DateTime<Utc>, due: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(Utc::now());
    if let Ok(handle) = set_interval_with_handle(move || now.set(Utc::now()), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
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
            title=move || i18n.t(Msg::SlaTimerLabel)>
            <span class="sr-only">{move || i18n.t(Msg::SlaTimerLabel)}": "</span>
            {move || timer_text((now.get() - since).num_seconds())}" / "{target}" · "
            <strong class="sla-state">{words}</strong>
        </span>
    }
}
