//! A short message at the bottom of the screen ("Saved · Undo"), shared by every screen: one
//! at a time, announced politely, gone after a few seconds.

use std::time::Duration;

use domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// How long a toast (and its Undo) stays.
const TOAST_FOR: Duration = Duration::from_secs(6);

#[derive(Clone)]
struct Toast {
    id: u64,
    text: String,
    undo: Option<Callback<()>>,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    current: RwSignal<Option<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Toasts {
        let toasts = Toasts { current: RwSignal::new(None), next_id: StoredValue::new(0) };
        provide_context(toasts);
        toasts
    }

    /// Shows `text`, with an Undo button when `undo` is given, replacing any toast shown.
    pub fn show(&self, text: String, undo: Option<Callback<()>>) {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.current.set(Some(Toast { id, text, undo }));
        let current = self.current;
        set_timeout(
            move || {
                if current.with_untracked(|t| t.as_ref().is_some_and(|t| t.id == id)) {
                    current.set(None);
                }
            },
            TOAST_FOR,
        );
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    view! {
        <div class="toast-host" role="status" aria-live="polite">
            {move || toasts.current.get().map(|t| {
                let undo = t.undo;
                view! {
                    <div class="toast" data-testid="toast">
                        <span>{t.text}</span>
                        {undo.map(|undo| view! {
                            <button class="link" on:click=move |_| { toasts.current.set(None); undo.run(()); }>
                                {i18n.tr(Msg::Undo)}
                            </button>
                        })}
                    </div>
                }
            })}
        </div>
    }
}
