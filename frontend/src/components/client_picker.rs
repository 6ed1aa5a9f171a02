//! Finding a client by name, e-mail or phone and choosing it: the merge on the client screen
//! and the card dialog's client link share it.

use domain::i18n::Msg;
use domain::ContactSummary;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::clients::filter::encode;

/// A search box and up to six matches (the caller's own clients for an agent); choosing one
/// runs `on_pick`. `exclude` leaves one client out (the client being merged into).
#[component]
pub fn ClientPicker(
    label: Msg,
    on_pick: Callback<ContactSummary>,
    #[prop(default = None)] exclude: Option<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let words = RwSignal::new(String::new());
    let found = crate::busy::load(move || {
        let q = words.get().trim().to_string();
        async move {
            if q.chars().count() < 2 {
                return Vec::new();
            }
            match api::contacts::list(&format!("q={}&limit=6", encode(&q)), None).await {
                Ok(page) => page.items.into_iter().filter(|c| Some(c.id) != exclude).collect(),
                Err(_) => Vec::new(),
            }
        }
    });
    view! {
        <div class="client-picker" data-testid="client-picker">
            <label>{i18n.tr(label)}
                <input type="search" autocomplete="off" placeholder=i18n.tr(Msg::SearchClientHint) bind:value=words/>
            </label>
            <ul class="picks">
                {move || found.get().unwrap_or_default().into_iter().map(|c| {
                    let text = [c.name.clone(), c.email.clone(), c.phone.as_deref().map(super::phone_text)]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! { <li><button type="button" class="link" on:click=move |_| {
                        // The matches go once one is chosen: they would read as the result.
                        words.set(String::new());
                        on_pick.run(c.clone())
                    }>{text}</button></li> }
                }).collect_view()}
            </ul>
        </div>
    }
}
