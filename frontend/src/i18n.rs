//! The UI language, chosen by the user or the browser, and the lookup into the shared
//! catalogue in `domain::i18n`.

use domain::i18n::{Lang, Msg};
use leptos::prelude::*;

const STORAGE_KEY: &str = "prospecta.lang";

thread_local! {
    /// The UI language for code outside components (API error texts).
    static CURRENT: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

pub fn current_lang() -> Lang {
    CURRENT.with(std::cell::Cell::get)
}

#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn new() -> I18n {
        let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let browser = web_sys::window().and_then(|w| w.navigator().language());
        let lang = Lang::from_tag(&stored.or(browser).unwrap_or_default());
        crate::focus::set_document_lang(lang.code());
        CURRENT.with(|c| c.set(lang));
        I18n { lang: RwSignal::new(lang) }
    }

    pub fn set(&self, lang: Lang) {
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, lang.code());
        }
        crate::focus::set_document_lang(lang.code());
        CURRENT.with(|c| c.set(lang));
        self.lang.set(lang);
    }

    /// The text of `msg` in the current language; reactive when called inside a closure.
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// `i18n.tr(msg)` as one closure type for every message: a view child or attribute
    /// that follows the language. Hundreds of distinct `move ||` closures each had their own
    /// copy of the rendering code: 4.8 KB of brotli wasm (docs/STYLE.md, "Weight").
    pub fn tr(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(msg)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// `{n}` and friends in a message.
pub fn fill(text: &str, values: &[(&str, usize)]) -> String {
    values.iter().fold(text.to_string(), |t, (key, n)| t.replace(key, &n.to_string()))
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
