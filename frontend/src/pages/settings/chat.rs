//! Live-chat settings: a site's bot and widget code, and the account's canned responses.

use domain::i18n::Msg;
use domain::{BotQuestion, ChatSettings, CreateCannedResponse};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{confirm, field_error, form_error};
use crate::session::use_session;

/// A site's bot questions and ignore time, and the snippet that puts its widget on a page.
///
/// Each question is chosen from the fields a client has (name, e-mail, phone, the custom
/// fields), named in the UI language. A question keeps the wording it was given through the
/// API while its field stays the same: saving never clears what the form does not show.
#[component]
pub fn ChatPanel(site_id: uuid::Uuid, public_key: String, on_done: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(true);
    let questions = RwSignal::new(Vec::<BotQuestion>::new());
    let minutes = RwSignal::new(String::from("5"));
    let error = RwSignal::new(None::<ApiError>);
    let loaded = crate::busy::load(move || api::sites::chat_settings(site_id));
    let custom_fields = crate::busy::load(api::settings::custom_fields);
    Effect::new(move || match loaded.get() {
        Some(Ok(s)) => {
            enabled.set(s.bot_enabled);
            questions.set(s.bot_questions);
            minutes.set(s.ignore_minutes.to_string());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saving = Task::new(move |body: &ChatSettings| {
        let body = body.clone();
        async move {
            match api::sites::save_chat_settings(site_id, &body).await {
                Ok(_) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ChatSettings {
            bot_enabled: enabled.get_untracked(),
            bot_questions: questions.get_untracked(),
            ignore_minutes: minutes.get_untracked().trim().parse().unwrap_or(0),
        };
        saving.dispatch(body);
    };
    // (key, label) of every field a question may fill, the built-in ones first.
    let choices = move || {
        let mut choices: Vec<(String, String)> = [("name", Msg::Name), ("email", Msg::Email), ("phone", Msg::Phone)]
            .map(|(key, label)| (key.to_string(), i18n.t(label).to_string()))
            .into();
        if let Some(Ok(list)) = custom_fields.get() {
            choices.extend(list.items.into_iter().map(|d| (d.key, d.label)));
        }
        choices
    };
    let rows = move || {
        questions
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, q)| {
                let mut options = choices();
                // A field this build does not list (a custom field since removed) stays shown.
                if !options.iter().any(|(key, _)| *key == q.field) {
                    options.push((q.field.clone(), q.field.clone()));
                }
                let choose = move |ev: leptos::ev::Event| {
                    let field = event_target_value(&ev);
                    questions.update(|qs| {
                        // Another field: the wording written for the old one no longer fits.
                        qs[i] = BotQuestion { field, prompt_en: None, prompt_pt: None };
                    });
                };
                let label = move || format!("{} {}", i18n.t(Msg::BotQuestion), i + 1);
                view! {
                    <li>
                        <select name="bot_question" aria-label=label on:change=choose>
                            {options.into_iter().map(|(key, text)| {
                                let selected = key == q.field;
                                view! { <option value=key selected=selected>{text}</option> }
                            }).collect_view()}
                        </select>
                        <button type="button" class="link danger" aria-label=move || format!("{} {}", i18n.t(Msg::Remove), label())
                            on:click=move |_| questions.update(|qs| { qs.remove(i); })>{i18n.tr(Msg::Remove)}</button>
                    </li>
                }
            })
            .collect_view()
    };
    let add = move |_| {
        // The first field no question asks yet, else the name.
        let asked: Vec<String> = questions.get_untracked().into_iter().map(|q| q.field).collect();
        let field = choices().into_iter().map(|(key, _)| key).find(|k| !asked.contains(k)).unwrap_or("name".into());
        questions.update(|qs| qs.push(BotQuestion { field, prompt_en: None, prompt_pt: None }));
    };
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let snippet = format!("<script src=\"{origin}/widget.js\" data-site-key=\"{public_key}\" async></script>");
    view! {
        <form class="chat-settings" data-testid="chat-settings" on:submit=save>
            <label class="check"><input type="checkbox" name="bot_enabled" bind:checked=enabled/>{i18n.tr(Msg::BotEnabled)}</label>
            <fieldset class="bot-questions">
                <legend>{i18n.tr(Msg::BotQuestions)}</legend>
                <ol>{rows}</ol>
                <button type="button" class="secondary" on:click=add>{i18n.tr(Msg::AddBotQuestion)}</button>
            </fieldset>
            {move || error.get().and_then(|e| {
                let p = e.problem.clone()?;
                let f = p.errors.iter().find(|f| f.field.starts_with("bot_questions"))?.clone();
                Some(view! { <small class="field-error">{f.message}</small> })
            })}
            <label>{i18n.tr(Msg::IgnoreMinutes)}<input type="number" name="ignore_minutes" min="1" max="1440" bind:value=minutes/></label>
            {field_error(error, "ignore_minutes")}
            {form_error(error)}
            <button type="submit" disabled=saving.pending()>{i18n.tr(Msg::Save)}</button>
            <p class="muted">{i18n.tr(Msg::WidgetCode)}</p>
            <code class="snippet" data-testid="widget-snippet">{snippet}</code>
        </form>
    }
}

/// Settings → Canned responses: everyone reads them (the reply box's `/`); admins edit.
#[component]
pub fn CannedResponsesSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = crate::busy::load(api::settings::canned_responses);
    let shortcut = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let adding = Task::new(move |req: &CreateCannedResponse| {
        let req = req.clone();
        async move {
            match api::settings::create_canned_response(&req).await {
                Ok(_) => {
                    shortcut.set(String::new());
                    body.set(String::new());
                    list.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        adding.dispatch(CreateCannedResponse {
            shortcut: shortcut.get_untracked().trim().to_string(),
            body: body.get_untracked(),
        });
    };
    let removing = Task::new(move |id: &uuid::Uuid| {
        let id = *id;
        async move {
            match api::settings::delete_canned_response(id).await {
                Ok(()) => list.refetch(),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let remove = move |id: uuid::Uuid, shortcut: &str| {
        if confirm(&i18n.t(Msg::ConfirmDeleteCanned).replace("{name}", shortcut)) {
            removing.dispatch(id);
        }
    };
    view! {
        <h1>{i18n.tr(Msg::CannedResponses)}</h1>
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="canned-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Shortcut)}</th><th>{i18n.tr(Msg::Text)}</th>
                <th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                {move || list.get().map(|r| match r {
                    Ok(l) if l.items.is_empty() => view! { <tr><td colspan="3" class="muted">{i18n.tr(Msg::NoCannedResponses)}</td></tr> }.into_any(),
                    Ok(l) => l.items.into_iter().map(|c| {
                        let (id, shortcut) = (c.id, StoredValue::new(c.shortcut.clone()));
                        view! {
                            <tr>
                                <td><code>"/"{c.shortcut}</code></td>
                                <td class="wrap">{c.body}</td>
                                <td class="actions">
                                    <Show when=move || session.is_admin()>
                                        <button class="link danger" on:click=move |_| remove(id, &shortcut.get_value())>{i18n.tr(Msg::Delete)}</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view().into_any(),
                    Err(e) => view! { <tr><td colspan="3" class="form-error">{e.summary()}</td></tr> }.into_any(),
                })}
            </tbody>
        </table></div>
        <Show when=move || session.is_admin() fallback=move || view! { <p class="muted">{i18n.tr(Msg::AdminsOnly)}</p> }>
            <form class="inline-form" data-testid="new-canned" on:submit=add>
                <label>{i18n.tr(Msg::Shortcut)}<input name="shortcut" placeholder="precos" bind:value=shortcut/></label>
                {field_error(error, "shortcut")}
                <label>{i18n.tr(Msg::Text)}<textarea name="body" rows="3" bind:value=body></textarea></label>
                {field_error(error, "body")}
                {form_error(error)}
                <button type="submit" disabled=adding.pending()>{i18n.tr(Msg::Create)}</button>
            </form>
        </Show>
    }
}
