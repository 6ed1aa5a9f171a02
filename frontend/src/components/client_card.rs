//! The client card, shared by the client screen and the desk's client panel.

use domain::i18n::Msg;
use domain::{Attribution, ContactView, CustomFieldKind, CustomFieldList, Location, UpdateContactRequest};
use leptos::prelude::*;

use super::{short, Directory};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use domain::labels::status_msg;

fn some(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The client card: the contact's data, editable in place. `on_saved` runs after a save;
/// `in_panel` makes the name a second-level heading (the desk's client panel).
#[component]
pub fn ClientCard(
    contact: ContactView,
    directory: Directory,
    on_saved: Callback<()>,
    #[prop(optional)] in_panel: bool,
    /// The GeoIP database's credit, shown beside an approximate location.
    #[prop(default = None)]
    attribution: Option<Attribution>,
    /// Tasks and "Add to a board": not offered where they cannot succeed (the desk's panel
    /// of a chat nobody has taken yet).
    #[prop(default = true)]
    actions: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let c = contact.clone();
    let name = RwSignal::new(c.name.clone().unwrap_or_default());
    let email = RwSignal::new(c.email.clone().unwrap_or_default());
    let phone = RwSignal::new(c.phone.clone().unwrap_or_default());
    let hours = RwSignal::new(c.contact_hours.clone().unwrap_or_default());
    let city = RwSignal::new(c.location.city.clone().unwrap_or_default());
    let region = RwSignal::new(c.location.region.clone().unwrap_or_default());
    let country = RwSignal::new(c.location.country.clone().unwrap_or_default());
    let tags = RwSignal::new(c.tags.join(", "));
    let definitions = crate::busy::load(api::settings::custom_fields);
    let value_text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    // Drafts of the custom values, as the inputs hold them.
    let custom = RwSignal::new(
        c.custom_fields
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), value_text(v))).collect())
            .unwrap_or_default(),
    );
    let id = c.id;
    let (contact_id, card_title) = (c.id, c.name.clone().or(c.email.clone()).unwrap_or_default());
    let save = Task::new(move |_: &()| {
        let body = UpdateContactRequest {
            name: Some(some(name.get_untracked())),
            email: Some(some(email.get_untracked())),
            phone: Some(some(phone.get_untracked())),
            contact_hours: Some(some(hours.get_untracked())),
            location: Some(Location {
                city: some(city.get_untracked()),
                region: some(region.get_untracked()),
                country: some(country.get_untracked()),
            }),
            tags: Some(
                tags.get_untracked().split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
            ),
            custom_fields: custom_values(&definitions.get_untracked().and_then(|r| r.ok()), &custom.get_untracked()),
            ..Default::default()
        };
        async move {
            match api::contacts::update(id, &body).await {
                Ok(_) => {
                    editing.set(false);
                    on_saved.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let row = |label: Msg, value: Option<String>| {
        value.filter(|v| !v.is_empty()).map(|v| view! { <dt>{i18n.tr(label)}</dt><dd>{v}</dd> })
    };
    let location = [c.location.city.clone(), c.location.region.clone(), c.location.country.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let site = c.site_id;

    view! {
        <section class="col card-col">
            <Show when=move || !editing.get() fallback=move || view! {
                <form class="edit-card" data-testid="edit-client" on:submit=move |ev| { ev.prevent_default(); error.set(None); save.dispatch(()); }>
                    <label>{i18n.tr(Msg::Name)}<input name="name" bind:value=name/></label>
                    <label>{i18n.tr(Msg::Email)}<input name="email" bind:value=email/></label>
                    {field_error(error, "email")}
                    <label>{i18n.tr(Msg::Phone)}<input name="phone" bind:value=phone/></label>
                    {field_error(error, "phone")}
                    <label>{i18n.tr(Msg::ContactHours)}<input name="contact_hours" bind:value=hours/></label>
                    <label>{i18n.tr(Msg::City)}<input name="city" bind:value=city/></label>
                    <label>{i18n.tr(Msg::Region)}<input name="region" bind:value=region/></label>
                    <label>{i18n.tr(Msg::Country)}<input name="country" bind:value=country/></label>
                    <label>{i18n.tr(Msg::Tags)}<input name="tags" bind:value=tags/></label>
                    {field_error(error, "tags")}
                    {move || definitions.get().and_then(|r| r.ok()).map(|l| l.items.into_iter().map(|d| {
                        let key = d.key.clone();
                        let field = format!("custom_fields.{}", d.key);
                        let current = custom.with_untracked(|m| m.get(&key).cloned().unwrap_or_default());
                        let k = key.clone();
                        let on_input = move |ev: leptos::ev::Event| {
                            let value = event_target_value(&ev);
                            custom.update(|m| { m.insert(k.clone(), value); });
                        };
                        let input = match d.kind {
                            CustomFieldKind::Select => view! {
                                <select name=format!("cf-{key}") on:change=on_input>
                                    <option value="">"—"</option>
                                    {d.options.iter().map(|o| view! { <option value=o.clone() selected=*o == current>{o.clone()}</option> }).collect_view()}
                                </select>
                            }.into_any(),
                            kind => {
                                let t = match kind { CustomFieldKind::Number => "number", CustomFieldKind::Date => "date", _ => "text" };
                                view! { <input type=t name=format!("cf-{key}") prop:value=current on:input=on_input/> }.into_any()
                            }
                        };
                        view! {
                            <label>{d.label.clone()}{input}</label>
                            {move || error.get().and_then(|e| e.field(&field)).map(|m| view! { <small class="field-error">{m}</small> })}
                        }
                    }).collect_view())}
                    {form_error(error)}
                    <button type="submit">{i18n.tr(Msg::Save)}</button>
                    <button type="button" class="link" on:click=move |_| editing.set(false)>{i18n.tr(Msg::Cancel)}</button>
                </form>
            }>
                <div class="card-head">
                    {
                        let name = contact.name.clone().unwrap_or_else(|| "—".into());
                        if in_panel {
                            view! { <h2 data-testid="client-name">{name}</h2> }.into_any()
                        } else {
                            view! { <h1 data-testid="client-name">{name}</h1> }.into_any()
                        }
                    }
                    <span class="status-badge" data-status=contact.status.as_str()>{move || i18n.t(status_msg(contact.status))}</span>
                    <button class="link" on:click=move |_| editing.set(true)>{i18n.tr(Msg::Edit)}</button>
                </div>
            </Show>
            <dl class="facts">
                {contact.phone.clone().map(|p| view! {
                    <dt>{i18n.tr(Msg::Phone)}</dt>
                    <dd>{super::phone_text(&p)}" "
                        <a class="tel" href=format!("tel:{p}")>{i18n.tr(Msg::CallPhone)}</a>" "
                        {contact.whatsapp_url.clone().map(|u| view! { <a class="whatsapp" href=u target="_blank" rel="noopener">"WhatsApp"</a> })}</dd>
                })}
                {row(Msg::Email, contact.email.clone())}
                {row(Msg::ContactHours, contact.contact_hours.clone())}
                {(!location.is_empty()).then(|| view! {
                    <dt>{i18n.tr(Msg::Location)}</dt>
                    <dd data-testid="location">{location}
                        {contact.location_from_ip.then(|| view! {
                            " "<small class="muted" data-testid="location-approx">"("{i18n.tr(Msg::ApproximateFromIp)}
                            {attribution.map(|a| view! { " · "<a href=a.url target="_blank" rel="noopener">{a.text}</a> })}")"</small>
                        })}
                    </dd>
                })}
                {row(Msg::FirstContact, Some(short(contact.first_contact_at)))}
                <dt>{i18n.tr(Msg::Site)}</dt><dd>{move || directory.site_name(site)}</dd>
                {row(Msg::GeneratedAt, contact.page_url.clone())}
                {row(Msg::Source, contact.source.clone())}
                {row(Msg::Medium, contact.medium.clone())}
                {row(Msg::Campaign, contact.campaign.clone())}
                {row(Msg::Referrer, contact.referrer.clone())}
                {row(Msg::Ip, contact.ip.clone())}
                <dt>{i18n.tr(Msg::Channel)}</dt><dd>{move || i18n.t(domain::labels::channel_msg(contact.channel))}</dd>
                {row(Msg::Tags, Some(contact.tags.join(", ")))}
                {
                    let values = contact.custom_fields.clone();
                    move || definitions.get().and_then(|r| r.ok()).map(|l| l.items.into_iter().filter_map(|d| {
                        let v = values.get(&d.key).map(value_text).filter(|v| !v.is_empty())?;
                        Some(view! { <dt>{d.label}</dt><dd data-custom=d.key>{v}</dd> })
                    }).collect_view())
                }
            </dl>
            {actions.then(|| view! {
                <crate::pages::tasks::TaskPanel link=crate::pages::tasks::TaskLink::Contact(contact_id)/>
                <crate::pages::boards::AddToBoard contact_id=contact_id contact_name=card_title/>
            })}
            // The client's own files (a contract, a proposal) on its screen; the desk's panel
            // links there.
            {(!in_panel).then(|| view! {
                <super::attachments::Attachments files=api::contacts::files(contact_id) on_changed=on_saved/>
            })}
        </section>
    }
}

/// The custom values to send: each defined field, typed; an emptied input removes the value.
fn custom_values(
    definitions: &Option<CustomFieldList>,
    drafts: &std::collections::BTreeMap<String, String>,
) -> Option<serde_json::Value> {
    let defs = definitions.as_ref()?;
    let mut out = serde_json::Map::new();
    for d in &defs.items {
        let Some(raw) = drafts.get(&d.key) else { continue };
        let raw = raw.trim();
        let value = if raw.is_empty() {
            serde_json::Value::Null
        } else if d.kind == CustomFieldKind::Number {
            raw.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| raw.into())
        } else {
            raw.into()
        };
        out.insert(d.key.clone(), value);
    }
    (!out.is_empty()).then_some(serde_json::Value::Object(out))
}
