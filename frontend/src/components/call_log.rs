//! "Log a call" (direction, outcome, minutes, note), on the client screen and in the desk's
//! client panel (where the call names the conversation). Logged calls are read in the client's
//! change log, which is the client's timeline; no list of their own (docs/STYLE.md, "Weight").

use domain::i18n::Msg;
use domain::labels::{call_direction_msg, call_outcome_msg};
use domain::{CallDirection, CallOutcome, LogCallRequest};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};

#[component]
pub fn CallLog(
    contact_id: Uuid,
    conversation_id: Option<Uuid>,
    /// Runs after a call is logged (the client screen redraws its change log).
    on_logged: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let direction = RwSignal::new(CallDirection::Outbound.as_str().to_string());
    let outcome = RwSignal::new(CallOutcome::Answered.as_str().to_string());
    let minutes = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saving = Task::new(move |req: &LogCallRequest| {
        let req = req.clone();
        async move {
            match api::contacts::log_call(contact_id, &req).await {
                Ok(_) => {
                    open.set(false);
                    minutes.set(String::new());
                    note.set(String::new());
                    crate::toast::use_toasts().show(i18n.t(Msg::CallLogged).into(), None);
                    on_logged.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        // Minutes as typed, with a `,` or `.` for seconds' fractions: 2,5 is 2 min 30 s.
        let typed = minutes.get_untracked().trim().replace(',', ".");
        let duration_secs = match typed.as_str() {
            "" => None,
            t => match t.parse::<f64>() {
                Ok(m) if (0.0..=1440.0).contains(&m) => Some((m * 60.0).round() as u32),
                _ => {
                    let problem = domain::FieldError::new("duration_secs", "range", i18n.t(Msg::DurationRange));
                    error.set(Some(ApiError::invalid(vec![problem])));
                    return;
                }
            },
        };
        saving.dispatch(LogCallRequest {
            direction: CallDirection::parse(&direction.get_untracked()).unwrap_or(CallDirection::Outbound),
            outcome: CallOutcome::parse(&outcome.get_untracked()).unwrap_or(CallOutcome::Answered),
            duration_secs,
            note: note.get_untracked(),
            called_at: None,
            conversation_id,
        });
    };
    view! {
        <section class="calls" data-testid="calls">
            <h3>{i18n.tr(Msg::Calls)}</h3>
            <Show when=move || open.get() fallback=move || view! {
                <button class="secondary" data-testid="log-call" on:click=move |_| open.set(true)>{i18n.tr(Msg::LogCall)}</button>
            }>
                <form class="call-form" data-testid="call-form" on:submit=submit>
                    <label>{i18n.tr(Msg::CallDirection)}
                        <select name="direction" bind:value=direction>
                            {CallDirection::ALL.map(|d| view! { <option value=d.as_str()>{i18n.tr(call_direction_msg(d))}</option> })}
                        </select>
                    </label>
                    <label>{i18n.tr(Msg::CallOutcome)}
                        <select name="outcome" bind:value=outcome>
                            {CallOutcome::ALL.map(|o| view! { <option value=o.as_str()>{i18n.tr(call_outcome_msg(o))}</option> })}
                        </select>
                    </label>
                    <label>{i18n.tr(Msg::DurationMinutes)}
                        <input name="minutes" inputmode="decimal" bind:value=minutes/>
                    </label>
                    {field_error(error, "duration_secs")}
                    <label>{i18n.tr(Msg::ActivityNote)}<textarea name="note" maxlength="5000" bind:value=note></textarea></label>
                    {field_error(error, "note")}
                    {form_error(error)}
                    <div class="buttons">
                        <button type="submit" disabled=saving.pending()>{i18n.tr(Msg::SaveCall)}</button>
                        <button type="button" class="link" on:click=move |_| open.set(false)>{i18n.tr(Msg::Cancel)}</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
