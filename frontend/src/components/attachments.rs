//! Files of a card (in its dialog), of a board's base card (in its settings) or of a client
//! (its screen): pick a file to attach it, click a name to download it, delete one after
//! confirming.

use domain::i18n::Msg;
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::files::FilesAt;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{confirm, form_error};

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// What every list (`AttachmentList`, `BaseAttachmentList`, `ClientFileList`) says of a file
/// that this shows.
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

/// `files`: a card's (`api::boards::card_files`), a base card's (`base_card_files`) or a
/// client's (`api::contacts::files`).
#[component]
pub fn Attachments(files: FilesAt, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let list = crate::busy::load({
        let files = files.clone();
        move || {
            let files = files.clone();
            async move { files.list::<Files>().await }
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let uploading = Task::new({
        let files = files.clone();
        move |(file, input): &(web_sys::File, web_sys::HtmlInputElement)| {
            let (files, file, input) = (files.clone(), file.clone(), input.clone());
            async move {
                match files.upload(&file).await {
                    Ok(_) => {
                        error.set(None);
                        list.refetch();
                        on_changed.try_run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                input.set_value("");
            }
        }
    });
    let busy = move || uploading.pending().get();
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        uploading.dispatch((file, input));
    };
    let downloading = Task::new({
        let files = files.clone();
        move |(id, name): &(uuid::Uuid, String)| {
            let (files, id, name) = (files.clone(), *id, name.clone());
            async move {
                if let Err(e) = files.download(id, &name).await {
                    error.set(Some(e));
                }
            }
        }
    });
    let removing = Task::new({
        let files = files.clone();
        move |id: &uuid::Uuid| {
            let (files, id) = (files.clone(), *id);
            async move {
                match files.delete(id).await {
                    Ok(()) => {
                        list.refetch();
                        on_changed.try_run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        }
    });
    let rows = move || {
        list.get().and_then(Result::ok).map(|l| {
            l.items
                .into_iter()
                .map(|a| {
                    let (id, name) = (a.id, a.filename.clone());
                    let download = move |_| {
                        downloading.dispatch((id, name.clone()));
                    };
                    let asked = i18n.t(Msg::ConfirmDeleteFile).replace("{name}", &a.filename);
                    let remove = move |_| {
                        if confirm(&asked) {
                            removing.dispatch(id);
                        }
                    };
                    view! {
                        <li>
                            <button type="button" class="link" on:click=download>{a.filename.clone()}</button>
                            <span class="muted">{size_text(a.size_bytes)}</span>
                            <button type="button" class="link danger" aria-label=move || format!("{} {}", i18n.t(Msg::Delete), a.filename)
                                on:click=remove>{i18n.tr(Msg::Delete)}</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="attachments" data-testid="attachments">
            <h3>{i18n.tr(Msg::Attachments)}</h3>
            <ul class="attachment-list">{rows}</ul>
            <label class="button secondary file-pick">
                {move || i18n.t(if busy() { Msg::Loading } else { Msg::AttachFile })}
                <input type="file" class="sr-only" on:change=pick/>
            </label>
            {form_error(error)}
        </section>
    }
}
