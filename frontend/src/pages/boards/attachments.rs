//! Files of a card (in its dialog) or of a board's base card (in its settings): pick a file to
//! attach it, click a name to download it.

use domain::i18n::Msg;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::pages::form_error;

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// What both lists (`AttachmentList`, `BaseAttachmentList`) say of a file that this shows.
#[derive(Clone, Deserialize)]
struct File {
    id: Uuid,
    filename: String,
    size_bytes: i64,
}

#[derive(Clone, Deserialize)]
struct Files {
    items: Vec<File>,
}

/// `base` is the list's path (`/api/v1/cards/{id}/attachments`,
/// `/api/v1/boards/{id}/base-card/attachments`); a file is `{base}/{file id}`.
#[component]
pub fn Attachments(base: String, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new({
        let base = base.clone();
        move || {
            let base = base.clone();
            async move { api::get::<Files>(&base).await }
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let pick = {
        let base = base.clone();
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let path = format!("{base}?filename={}", crate::pages::clients::filter::encode(&file.name()));
            busy.set(true);
            spawn_local(async move {
                match api::upload::<serde_json::Value>(&path, &file).await {
                    Ok(_) => {
                        error.set(None);
                        list.refetch();
                        on_changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
                input.set_value("");
            });
        }
    };
    let rows = move || {
        let base = base.clone();
        list.get().and_then(Result::ok).map(|l| {
            l.items
                .into_iter()
                .map(|a| {
                    let path = format!("{base}/{}", a.id);
                    let (name, download_path, delete_path) = (a.filename.clone(), path.clone(), path);
                    let download = move |_| {
                        let (path, name) = (download_path.clone(), name.clone());
                        spawn_local(async move {
                            if let Err(e) = api::download(&path, &name).await {
                                error.set(Some(e));
                            }
                        });
                    };
                    let remove = move |_| {
                        let path = delete_path.clone();
                        spawn_local(async move {
                            match api::delete(&path).await {
                                Ok(()) => {
                                    list.refetch();
                                    on_changed.run(());
                                }
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    };
                    view! {
                        <li>
                            <button type="button" class="link" on:click=download>{a.filename.clone()}</button>
                            <span class="muted">{size_text(a.size_bytes)}</span>
                            <button type="button" class="link danger" aria-label=move || format!("{} {}", i18n.t(Msg::Delete), a.filename)
                                on:click=remove>{move || i18n.t(Msg::Delete)}</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="attachments" data-testid="attachments">
            <h3>{move || i18n.t(Msg::Attachments)}</h3>
            <ul class="attachment-list">{rows}</ul>
            <label class="button secondary file-pick">
                {move || i18n.t(if busy.get() { Msg::Loading } else { Msg::AttachFile })}
                <input type="file" class="sr-only" on:change=pick/>
            </label>
            {form_error(error)}
        </section>
    }
}
