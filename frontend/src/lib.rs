//! Prospecta SPA: Leptos 0.8, rendered in the browser, talking to the API on the same origin.

mod alerts;
mod api;
mod app;
mod busy;
mod components;
mod focus;
mod i18n;
mod pages;
mod realtime;
mod session;
mod toast;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
