use domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A section of the product whose screens arrive with later releases.
#[component]
pub fn Placeholder(title: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t(title)}</h1>
        <p class="muted">{move || i18n.t(Msg::ComingSoon)}</p>
    }
}
