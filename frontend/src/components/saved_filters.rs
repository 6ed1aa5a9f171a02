//! Saved filters, shared by the board view and the client list: choose one (the screen goes
//! to its query), save the current one under a name (privately or for the team), delete one's
//! own (admins also shared ones) after confirming.

use domain::i18n::Msg;
use domain::{CreateSavedFilterRequest, SavedFilterView};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::saved_filters::{self as client, FilterHome};
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{confirm, form_error};
use crate::session::use_session;

/// `current` is the screen's filter as a query string to save; `apply` takes a saved one's.
/// `open` shows the widget on a phone along with the screen's filter form.
#[component]
pub fn SavedFilters(
    home: FilterHome,
    current: Callback<(), String>,
    apply: Callback<String>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let saved = crate::busy::load(move || client::list(home));
    let error = RwSignal::new(None::<ApiError>);
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let saving = Task::new(move |req: &CreateSavedFilterRequest| {
        let req = req.clone();
        async move {
            match client::save(home, &req).await {
                Ok(_) => {
                    name.set(String::new());
                    shared.set(false);
                    error.set(None);
                    saved.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.dispatch(CreateSavedFilterRequest {
            name: name.get_untracked(),
            query: current.run(()),
            shared: shared.get_untracked(),
        });
    };
    let saved_list = move || saved.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default();
    let chosen = RwSignal::new(None::<SavedFilterView>);
    let choose = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let filter = saved_list().into_iter().find(|f| f.id.to_string() == id);
        if let Some(f) = &filter {
            apply.run(f.query.clone());
        }
        chosen.set(filter);
    };
    let forgetting = Task::new(move |id: &Uuid| {
        let id = *id;
        async move {
            match client::delete(home, id).await {
                Ok(()) => {
                    chosen.set(None);
                    saved.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let forget = move |_| {
        let Some(f) = chosen.get_untracked() else { return };
        if confirm(&i18n.t(Msg::ConfirmDeleteFilter).replace("{name}", &f.name)) {
            forgetting.dispatch(f.id);
        }
    };
    let may_delete = move || chosen.get().is_some_and(|f| f.mine || (f.shared && session.is_admin()));
    view! {
        <div class="saved-filters" class:open=move || open.get() data-testid="saved-filters">
            <label class="date">{i18n.tr(Msg::SavedFilters)}
                <select name="saved" on:change=choose prop:value=move || chosen.get().map(|f| f.id.to_string()).unwrap_or_default()>
                    <option value="">"—"</option>
                    {move || saved_list().into_iter().map(|f| {
                        let label = if f.shared { i18n.t(Msg::SharedFilterMark).replace("{name}", &f.name) } else { f.name };
                        view! { <option value=f.id.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <Show when=may_delete>
                <button disabled=forgetting.pending() type="button" class="link danger" on:click=forget>{i18n.tr(Msg::Delete)}</button>
            </Show>
            <form class="inline" on:submit=save>
                <input name="filter_name" required maxlength="80" placeholder=i18n.tr(Msg::FilterName)
                    aria-label=i18n.tr(Msg::FilterName) bind:value=name/>
                <label class="check"><input type="checkbox" name="shared" bind:checked=shared/>{i18n.tr(Msg::ShareFilter)}</label>
                <button disabled=saving.pending() type="submit" class="secondary">{i18n.tr(Msg::SaveFilter)}</button>
            </form>
            {form_error(error)}
        </div>
    }
}
