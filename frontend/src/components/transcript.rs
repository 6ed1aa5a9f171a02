//! One transcript message, shared by the client screen and the desk. The body is a text node:
//! whatever a visitor typed (HTML included) shows as text.

use domain::i18n::Msg;
use domain::{MessageSender, MessageView};
use leptos::prelude::*;

use super::{short, Directory};
use crate::i18n::use_i18n;

pub fn sender_msg(s: MessageSender) -> Msg {
    match s {
        MessageSender::Visitor => Msg::Visitor,
        MessageSender::Bot => Msg::Bot,
        MessageSender::Agent => Msg::Agent,
        MessageSender::System => Msg::System,
    }
}

#[component]
pub fn MessageItem(message: MessageView, directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let sender = message.sender;
    let author = message.author_id;
    let who = move || {
        let name = if author.is_some() { directory.user_name(author) } else { String::new() };
        if name.is_empty() {
            i18n.t(sender_msg(sender)).to_string()
        } else {
            name
        }
    };
    let at = message.sent_at;
    view! {
        <div class=format!("msg {}", sender.as_str()) data-sender=sender.as_str()>
            <span class="who">{who}</span>
            <time class="muted" datetime=at.to_rfc3339()>{move || { i18n.lang.track(); short(at) }}</time>
            <p>{message.body}</p>
        </div>
    }
}
