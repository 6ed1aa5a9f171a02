//! Focus and announcements after a client-side navigation: a screen reader hears nothing when
//! the SPA swaps the page, so focus moves to the new page's heading and its text is announced.

use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::JsCast;

/// Once the new page has rendered: focus `main h1` (made focusable), announce it in the
/// polite live region, and name the browser tab after it. The new page may render a moment
/// after the URL changed, so this waits (up to a second) for a heading it has not focused.
/// Focus that moved into the page meanwhile (the user already in a field of the new page) stays
/// where it is: taking it to the heading would send the next keys somewhere else.
pub fn focus_page_heading() {
    let before = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    focus_new_heading(20, before);
}

fn focus_new_heading(tries_left: u32, before: Option<web_sys::Element>) {
    set_timeout(
        move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
            let heading = document.query_selector("main h1").ok().flatten();
            let Some(heading) = heading.filter(|h| !h.has_attribute("data-focused")) else {
                if tries_left > 0 {
                    focus_new_heading(tries_left - 1, before);
                }
                return;
            };
            let text = heading.text_content().unwrap_or_default();
            let _ = heading.set_attribute("tabindex", "-1");
            let _ = heading.set_attribute("data-focused", "");
            if !focus_moved_into_page(&document, before.as_ref()) {
                if let Ok(heading) = heading.dyn_into::<web_sys::HtmlElement>() {
                    let _ = heading.focus();
                }
            }
            if let Ok(Some(announcer)) = document.query_selector("#announcer") {
                announcer.set_text_content(Some(&text));
            }
            PAGE.with(|page| page.replace(text.clone()));
            retitle(&document);
        },
        Duration::from_millis(50),
    );
}

/// Whether something inside `main` took focus since the navigation began (with `before`
/// focused then), other than the link or button that navigated. The page body, focused when
/// nothing is, lies outside `main`.
fn focus_moved_into_page(document: &web_sys::Document, before: Option<&web_sys::Element>) -> bool {
    let Some(now) = document.active_element() else { return false };
    let in_main = document.query_selector("main").ok().flatten().is_some_and(|main| main.contains(Some(now.as_ref())));
    in_main && Some(&now) != before
}

/// Moves focus (and the view) to the element with `id`, as an in-page link would without the
/// router taking the click: the skip link, "Conversation" on a phone.
pub fn focus_by_id(id: &str) {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else { return };
    if el.get_attribute("tabindex").is_none() {
        let _ = el.set_attribute("tabindex", "-1");
    }
    el.scroll_into_view();
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// What Tab can reach.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Tab and Shift+Tab go round inside `dialog` (a modal): past its last control back to its
/// first and the other way, and back in when focus had fallen out of it (to the page body,
/// after the control that had it was removed).
pub fn keep_tab_inside(ev: &web_sys::KeyboardEvent, dialog: &web_sys::Element) {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let at = active.as_ref().and_then(|a| controls.iter().position(|c| c.as_ref() as &web_sys::Element == a));
    let back = ev.shift_key();
    let target = match (inside, at) {
        (false, _) => Some(if back { last } else { first }),
        (true, Some(0)) if back => Some(last),
        (true, Some(i)) if !back && i + 1 == controls.len() => Some(first),
        // The dialog's heading (focused on opening, not a control): Shift+Tab would leave.
        (true, None) if back => Some(last),
        _ => None,
    };
    if let Some(target) = target {
        ev.prevent_default();
        let _ = target.focus();
    }
}

/// Once a dialog has closed: focus the element with `id` (what opened it), unless something
/// else has taken focus meanwhile.
pub fn return_focus_to(id: String) {
    set_timeout(
        move || {
            let document = web_sys::window().and_then(|w| w.document());
            let lost = document.as_ref().and_then(|d| d.active_element()).is_none_or(|a| a.tag_name() == "BODY");
            if lost {
                focus_by_id(&id);
            }
        },
        Duration::from_millis(50),
    );
}

/// ↑ / ↓ on a row's link moves to the same link of the row above or below (Enter opens it,
/// as any link).
pub fn move_between_rows(ev: leptos::ev::KeyboardEvent) {
    let step_down = match ev.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return,
    };
    let Some(row) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|el| el.closest("tbody tr").ok().flatten())
    else {
        return;
    };
    let target = if step_down { row.next_element_sibling() } else { row.previous_element_sibling() };
    if let Some(link) = target.and_then(|r| r.query_selector("a").ok().flatten()) {
        ev.prevent_default();
        if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
            let _ = link.focus();
        }
    }
}

/// Whether the user is typing (a text field, text area or select has focus): single-key
/// shortcuts must not fire then.
pub fn typing_in_a_field() -> bool {
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    active.is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable")
    })
}

/// Keeps `<html lang>` on the UI language, so screen readers pronounce it right.
pub fn set_document_lang(code: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", code);
    }
}

/// Focuses the element matching `selector` once the screen has drawn it anew (waiting up to a
/// second): a change that makes a list render again must leave the keyboard on the control
/// that made it, not on the page body.
pub fn focus_when_redrawn(selector: String) {
    let document = web_sys::window().and_then(|w| w.document());
    let before = document.and_then(|d| d.query_selector(&selector).ok().flatten());
    focus_new_match(20, selector, before);
}

fn focus_new_match(tries_left: u32, selector: String, before: Option<web_sys::Element>) {
    set_timeout(
        move || {
            let document = web_sys::window().and_then(|w| w.document());
            let found = document.and_then(|d| d.query_selector(&selector).ok().flatten());
            match found.filter(|el| Some(el) != before.as_ref()) {
                Some(el) => {
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                None if tries_left > 0 => focus_new_match(tries_left - 1, selector, before),
                None => {}
            }
        },
        Duration::from_millis(50),
    );
}

thread_local! {
    /// The page's name (its heading) and the bell's unread count, which make the tab's title.
    static PAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static UNREAD: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// The bell's unread count changed: the tab's title says it ("(3) Clients · Prospecta"), so an
/// operator working in another tab sees it.
pub fn show_unread(n: i64) {
    UNREAD.with(|unread| unread.set(n));
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        retitle(&document);
    }
}

fn retitle(document: &web_sys::Document) {
    let page = PAGE.with(|page| page.borrow().clone());
    let mut title = if page.is_empty() { "Prospecta".to_string() } else { format!("{page} · Prospecta") };
    let n = UNREAD.with(|unread| unread.get());
    if n > 0 {
        title = format!("({n}) {title}");
    }
    document.set_title(&title);
}
