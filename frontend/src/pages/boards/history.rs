//! The board history (every change, filterable by user) and a card's own, newest first.

use domain::i18n::{Lang, Msg};
use domain::{HistoryEntry, Money, UserList};
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

fn action_msg(action: &str) -> Msg {
    match action {
        "created" => Msg::HistCreated,
        "moved" => Msg::HistMoved,
        "archived" => Msg::HistArchived,
        "unarchived" => Msg::HistUnarchived,
        "lost" => Msg::HistLost,
        "reopened" => Msg::HistReopened,
        "converted" => Msg::HistConverted,
        "commented" => Msg::HistCommented,
        "deleted" => Msg::HistDeleted,
        "attached" => Msg::HistAttached,
        "related" => Msg::HistRelated,
        "unrelated" => Msg::HistUnrelated,
        "detached" => Msg::HistDetached,
        "checked" => Msg::HistChecked,
        "unchecked" => Msg::HistUnchecked,
        "base_card_updated" => Msg::HistBaseCardUpdated,
        "base_card_attached" => Msg::HistBaseCardAttached,
        "base_card_detached" => Msg::HistBaseCardDetached,
        _ => Msg::HistUpdated,
    }
}

fn field_msg(field: &str) -> Option<Msg> {
    Some(match field {
        "title" => Msg::CardTitle,
        "description" => Msg::Description,
        "value" => Msg::DealValue,
        "product" => Msg::Product,
        "labels" => Msg::BoardLabels,
        "members" => Msg::Members,
        "contact_id" => Msg::Contact,
        "checklist" => Msg::Checklist,
        _ => return None,
    })
}

/// A recorded value for people: money as money, a stage by its name, lists by their size.
fn value_text(v: &Value, stages: &[(Uuid, String)], lang: Lang) -> String {
    if let Ok(money) = domain::json_value::from_value::<Money>(v.clone()) {
        return domain::labels::money_value_text(&money, lang);
    }
    if let Some(stage) = v.get("stage_id").and_then(Value::as_str) {
        return stages.iter().find(|(id, _)| id.to_string() == stage).map(|(_, n)| n.clone()).unwrap_or_default();
    }
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.chars().take(120).collect(),
        Value::Array(items) => items.len().to_string(),
        Value::Object(map) => map.values().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[component]
pub fn HistoryPanel(
    board_id: Uuid,
    stages: Vec<(Uuid, String)>,
    card_id: Option<Uuid>,
    users: LocalResource<Result<UserList, ApiError>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let entries = RwSignal::new(Vec::<HistoryEntry>::new());
    let before = RwSignal::new(None::<i64>);
    let user = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    // A page: (more, who, before which entry).
    let loading = Task::new(move |&(more, user_id, from): &(bool, Option<Uuid>, Option<i64>)| async move {
        match client::history(board_id, card_id, user_id, from).await {
            Ok(page) => {
                if more {
                    entries.update(|e| e.extend(page.items));
                } else {
                    entries.set(page.items);
                }
                before.set(page.next_before);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let load = move |more: bool| {
        let user_id = user.get_untracked().parse::<Uuid>().ok();
        let from = if more { before.get_untracked() } else { None };
        loading.dispatch((more, user_id, from));
    };
    load(false);
    let rows = move || {
        let lang = i18n.lang.get();
        entries
            .get()
            .into_iter()
            .map(|e| {
                let change = match (&e.old_value, &e.new_value) {
                    (Some(old), Some(new)) => {
                        format!("{} → {}", value_text(old, &stages, lang), value_text(new, &stages, lang))
                    }
                    (None, Some(new)) => value_text(new, &stages, lang),
                    (Some(old), None) => value_text(old, &stages, lang),
                    (None, None) => String::new(),
                };
                // A board field by its key (`custom_fields.plan` → plan).
                let field = e.field.as_deref().and_then(|f| {
                    field_msg(f)
                        .map(|m| m.text(lang).to_lowercase())
                        .or_else(|| f.strip_prefix("custom_fields.").map(str::to_string))
                });
                view! {
                    <li>
                        <strong>{e.actor_label}</strong>" "{action_msg(&e.action).text(lang)}
                        {field.map(|f| format!(" {f}"))}
                        {(card_id.is_none() && !e.card_title.is_empty()).then(|| format!(" «{}»", e.card_title))}
                        {(!change.is_empty()).then(|| view! { <span class="change">" "{change}</span> })}
                        " "<span class="muted">{crate::pages::clients::short(e.created_at)}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let title = if card_id.is_some() { Msg::History } else { Msg::BoardHistory };
    view! {
        <section class="panel history" aria-label=i18n.tr(title) data-testid=if card_id.is_some() { "card-history" } else { "board-history" }>
            <header class="dialog-head">
                <h3>{i18n.tr(title)}</h3>
                {card_id.is_none().then(|| view! {
                    <select aria-label=i18n.tr(Msg::Users) bind:value=user on:change=move |_| load(false)>
                        <option value="">{i18n.tr(Msg::Anyone)}</option>
                        {crate::components::user_options(users)}
                    </select>
                    <button class="link" on:click=move |_| on_close.run(())>{i18n.tr(Msg::Close)}</button>
                })}
            </header>
            {form_error(error)}
            <ul class="history-list">{rows}</ul>
            <Show when=move || before.with(Option::is_some)>
                <button class="link" on:click=move |_| load(true)>{i18n.tr(Msg::Older)}</button>
            </Show>
        </section>
    }
}
