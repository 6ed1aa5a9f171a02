//! Money as people type it: amounts in the UI language's way (`12.500,50`, `12,500.50`;
//! `domain::money::amount_from_typed`) and currencies from a list.

use domain::i18n::Msg;
use leptos::prelude::*;

use crate::api::ApiError;

/// The API's form of `typed`, or the form's refusal under `field`, in the UI language.
pub fn amount_or_error(typed: &str, field: &str) -> Result<String, ApiError> {
    let lang = crate::i18n::current_lang();
    domain::money::amount_from_typed(typed, lang).ok_or_else(|| {
        let example = domain::labels::amount_text("12500.50", lang);
        let message = Msg::ErrAmount.text(lang).replace("{example}", &example);
        ApiError::invalid(vec![domain::FieldError::new(field, "amount", message)])
    })
}

/// The `<option>`s of a currency `<select>`: the offered ones, and `current` first when it is
/// another (a value set through the API keeps its currency).
pub fn currency_options(current: RwSignal<String>) -> impl IntoView {
    let current = current.get_untracked();
    let other = (!domain::money::OFFERED_CURRENCIES.contains(&current.as_str())).then_some(current);
    other
        .into_iter()
        .chain(domain::money::OFFERED_CURRENCIES.iter().map(|c| c.to_string()))
        .map(|c| {
            let text = c.clone();
            view! { <option value=c>{text}</option> }
        })
        .collect_view()
}
