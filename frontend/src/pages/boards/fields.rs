//! A board's custom fields: the inputs of a card's values (also the base card's defaults), and
//! the admin settings that define the fields.

use domain::i18n::Msg;
use domain::{BoardFieldKind, BoardFieldView, CreateBoardFieldRequest, UserList};
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

pub type Values = RwSignal<Map<String, Value>>;

pub fn kind_msg(kind: BoardFieldKind) -> Msg {
    match kind {
        BoardFieldKind::Text => Msg::KindText,
        BoardFieldKind::Number => Msg::KindNumber,
        BoardFieldKind::Money => Msg::KindMoney,
        BoardFieldKind::Date => Msg::KindDate,
        BoardFieldKind::Select => Msg::KindSelect,
        BoardFieldKind::User => Msg::KindUser,
        BoardFieldKind::Contact => Msg::KindContact,
    }
}

/// Sets one value; `Null` marks it cleared (the server then drops it).
fn put(values: Values, key: &str, value: Value) {
    values.update(|v| {
        v.insert(key.to_string(), value);
    });
}

fn text(values: Values, key: &str) -> String {
    values.with(|v| match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    })
}

/// A string input's value as JSON: empty clears.
fn string_value(s: String) -> Value {
    if s.trim().is_empty() {
        Value::Null
    } else {
        Value::String(s)
    }
}

/// The error the server gave for `custom_fields.<key>`.
fn value_error(error: RwSignal<Option<ApiError>>, key: String) -> impl IntoView {
    let field = format!("custom_fields.{key}");
    move || {
        error.get().and_then(|e| e.field(&field)).map(|msg| {
            let field = field.clone();
            view! { <small class="field-error" data-field=field>{msg}</small> }
        })
    }
}

/// One input per field of the board, reading and writing `values`.
#[component]
pub fn FieldValues(
    fields: Vec<BoardFieldView>,
    values: Values,
    users: LocalResource<Result<UserList, ApiError>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let inputs = fields
        .into_iter()
        .map(|f| {
            let key = f.key.clone();
            let name = format!("cf_{}", f.key);
            let input = match f.kind {
                BoardFieldKind::Text => {
                    let k = key.clone();
                    view! { <input name=name maxlength="1000" prop:value=move || text(values, &key)
                        on:change=move |ev| put(values, &k, string_value(event_target_value(&ev)))/> }
                    .into_any()
                }
                BoardFieldKind::Number => {
                    let k = key.clone();
                    view! { <input name=name type="number" step="any" prop:value=move || text(values, &key)
                        on:change=move |ev| {
                            let raw = event_target_value(&ev);
                            let number = raw.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64);
                            put(values, &k, number.map(Value::Number).unwrap_or(Value::Null));
                        }/> }
                    .into_any()
                }
                BoardFieldKind::Date => {
                    let k = key.clone();
                    view! { <input name=name type="date" prop:value=move || text(values, &key)
                        on:change=move |ev| put(values, &k, string_value(event_target_value(&ev)))/> }
                    .into_any()
                }
                BoardFieldKind::Select => {
                    let k = key.clone();
                    let options = f
                        .options
                        .iter()
                        .map(|o| {
                            let (o, key) = (o.clone(), key.clone());
                            let (current, value) = (o.clone(), o.clone());
                            view! { <option value=value selected=move || text(values, &key) == current>{o}</option> }
                        })
                        .collect_view();
                    view! { <select name=name on:change=move |ev| put(values, &k, string_value(event_target_value(&ev)))>
                        <option value="">"—"</option>{options}
                    </select> }
                    .into_any()
                }
                BoardFieldKind::User => {
                    let k = key.clone();
                    let options = move || {
                        let key = key.clone();
                        users.get().and_then(Result::ok).map(|l| {
                            l.items
                                .into_iter()
                                .map(|u| {
                                    let (id, key) = (u.id.to_string(), key.clone());
                                    let current = id.clone();
                                    view! { <option value=id selected=move || text(values, &key) == current>{u.name}</option> }
                                })
                                .collect_view()
                        })
                    };
                    view! { <select name=name on:change=move |ev| put(values, &k, string_value(event_target_value(&ev)))>
                        <option value="">"—"</option>{options}
                    </select> }
                    .into_any()
                }
                BoardFieldKind::Money => view! { <MoneyField key=key name=name values=values/> }.into_any(),
                BoardFieldKind::Contact => view! { <ContactField key=key name=name values=values/> }.into_any(),
            };
            view! {
                <label data-field-key=f.key.clone()>{f.label.clone()}{input}</label>
                {value_error(error, f.key)}
            }
        })
        .collect_view();
    view! { <fieldset class="field-values" data-testid="field-values"><legend>{i18n.tr(Msg::CustomFields)}</legend>{inputs}</fieldset> }
}

#[component]
fn MoneyField(key: String, name: String, values: Values) -> impl IntoView {
    let i18n = use_i18n();
    let part = move |key: &str, part: &str| {
        values.with(|v| v.get(key).and_then(|m| m.get(part)).and_then(Value::as_str).map(str::to_string))
    };
    let lang = crate::i18n::current_lang();
    let amount = RwSignal::new(part(&key, "amount").map(|a| domain::labels::amount_text(&a, lang)).unwrap_or_default());
    let currency = RwSignal::new(part(&key, "currency").unwrap_or_else(|| domain::money::DEFAULT_CURRENCY.into()));
    // What cannot be read as a number goes as typed: the server names the field.
    let write = move |key: &str| {
        let typed = amount.get_untracked();
        let a = domain::money::amount_from_typed(&typed, crate::i18n::current_lang()).unwrap_or(typed);
        let value =
            if a.trim().is_empty() { Value::Null } else { json!({"amount": a, "currency": currency.get_untracked()}) };
        put(values, key, value);
    };
    let (k1, k2) = (key.clone(), key);
    view! {
        <span class="row">
            <input name=name inputmode="decimal" aria-label=i18n.tr(Msg::Amount) bind:value=amount on:change=move |_| write(&k1)/>
            <select aria-label=i18n.tr(Msg::Currency) bind:value=currency on:change=move |_| write(&k2)>{crate::components::money::currency_options(currency)}</select>
        </span>
    }
}

/// A contact chosen by searching the contacts the user can see.
#[component]
fn ContactField(key: String, name: String, values: Values) -> impl IntoView {
    let i18n = use_i18n();
    // (id, name) of the choices: the current contact first, then the search's matches.
    let choices = RwSignal::new(Vec::<(Uuid, String)>::new());
    let current = text(values, &key).parse::<Uuid>().ok();
    let linked = crate::busy::load(move || async move {
        match current {
            Some(id) => client::contact(id).await.ok().map(|c| (id, c)),
            None => None,
        }
    });
    Effect::new(move || {
        if let Some(Some((id, c))) = linked.get() {
            let label = c.name.or(c.email).or(c.phone).unwrap_or_else(|| id.to_string());
            choices.update(|all| all.insert(0, (id, label)));
        }
    });
    // What the user typed, searched as they type; the resource keeps only the newest answer.
    let typed = RwSignal::new(None::<String>);
    let found = crate::busy::load(move || {
        let q = typed.get();
        async move {
            match q {
                Some(q) => client::find_contacts(&q).await.ok(),
                None => None,
            }
        }
    });
    Effect::new(move |_| {
        let Some(Some(page)) = found.get() else { return };
        let found = page.items.into_iter().map(|c| (c.id, c.name.or(c.email).or(c.phone).unwrap_or_default()));
        choices.set(
            current
                .into_iter()
                .filter_map(|id| choices.with_untracked(|all| all.iter().find(|c| c.0 == id).cloned()))
                .chain(found.filter(|c| Some(c.0) != current))
                .collect(),
        );
    });
    let search = move |ev: leptos::ev::Event| typed.set(Some(event_target_value(&ev)));
    let (k1, k2) = (key.clone(), key);
    view! {
        <span class="row contact-field">
            <select name=name on:change=move |ev| put(values, &k1, string_value(event_target_value(&ev)))>
                <option value="">"—"</option>
                {move || {
                    let key = k2.clone();
                    choices.get().into_iter().map(|(id, label)| {
                        let (value, key) = (id.to_string(), key.clone());
                        let me = value.clone();
                        view! { <option value=value selected=move || text(values, &key) == me>{label}</option> }
                    }).collect_view()
                }}
            </select>
            <input type="search" placeholder=i18n.tr(Msg::SearchContacts) aria-label=i18n.tr(Msg::SearchContacts) on:input=search/>
        </span>
    }
}

/// Admin settings: the board's fields (add, delete) and its base card.
#[component]
pub fn FieldsSettings(board_id: Uuid, fields: Vec<BoardFieldView>, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let key = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new("text".to_string());
    let options = RwSignal::new(String::new());
    let adding = Task::new(move |req: &CreateBoardFieldRequest| {
        let req = req.clone();
        async move {
            match client::add_field(board_id, &req).await {
                Ok(_) => {
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateBoardFieldRequest {
            key: key.get_untracked().trim().to_string(),
            label: label.get_untracked(),
            kind: BoardFieldKind::parse(&kind.get_untracked()).unwrap_or(BoardFieldKind::Text),
            options: crate::pages::comma_list(&options.get_untracked()),
        };
        adding.dispatch(req);
    };
    let removing = Task::new(move |id: &Uuid| {
        let id = *id;
        async move {
            match client::delete_field(board_id, id).await {
                Ok(()) => {
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let remove = move |id: Uuid| {
        if !crate::pages::confirm(i18n.t(Msg::ConfirmDelete)) {
            return;
        }
        removing.dispatch(id);
    };
    let rows = fields
        .into_iter()
        .map(|f| {
            let (id, key) = (f.id, f.key.clone());
            view! {
                <li data-field-key=key>
                    <strong>{f.label}</strong>" "<code>{f.key}</code>" "
                    <span class="muted">{move || i18n.t(kind_msg(f.kind))}</span>
                    {(!f.options.is_empty()).then(|| format!(" ({})", f.options.join(", ")))}
                    " "<button type="button" class="link danger" on:click=move |_| remove(id)>{i18n.tr(Msg::Delete)}</button>
                </li>
            }
        })
        .collect_view();
    let kinds = BoardFieldKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str()>{move || i18n.t(kind_msg(k))}</option> })
        .collect_view();
    view! {
        <fieldset data-testid="board-fields"><legend>{i18n.tr(Msg::CustomFields)}</legend>
            <ul class="plain">{rows}</ul>
            <form class="inline" on:submit=add>
                <input name="field_label" required maxlength="80" placeholder=i18n.tr(Msg::Label) aria-label=i18n.tr(Msg::Label) bind:value=label/>
                <input name="field_key" required maxlength="40" pattern="[a-z][a-z0-9_]*" placeholder=i18n.tr(Msg::Key) aria-label=i18n.tr(Msg::Key) bind:value=key/>
                <select name="field_kind" aria-label=i18n.tr(Msg::Kind) bind:value=kind>{kinds}</select>
                <Show when=move || kind.get() == "select">
                    <input name="field_options" placeholder=i18n.tr(Msg::Options) aria-label=i18n.tr(Msg::Options) bind:value=options/>
                </Show>
                <button disabled=adding.pending() type="submit" class="secondary">{i18n.tr(Msg::AddField)}</button>
            </form>
            {crate::pages::field_error(error, "key")}
            {crate::pages::field_error(error, "options")}
            {form_error(error)}
        </fieldset>
    }
}
