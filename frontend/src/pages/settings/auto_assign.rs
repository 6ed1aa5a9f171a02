use domain::i18n::Msg;
use domain::AutoAssignment;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

/// Which users receive a site's new leads, in rotation, and whether only while online.
#[component]
pub fn AutoAssignPanel(site_id: uuid::Uuid, on_done: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(false);
    let online_only = RwSignal::new(true);
    let chosen = RwSignal::new(Vec::<uuid::Uuid>::new());
    let users = crate::busy::load(api::users::list);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = crate::busy::load(move || api::sites::auto_assignment(site_id));
    Effect::new(move || match loaded.get() {
        Some(Ok(current)) => {
            enabled.set(current.enabled);
            chosen.set(current.user_ids);
            online_only.set(current.online_only);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saving = Task::new(move |body: &AutoAssignment| {
        let body = body.clone();
        async move {
            match api::sites::save_auto_assignment(site_id, &body).await {
                Ok(_) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.dispatch(AutoAssignment {
            enabled: enabled.get_untracked(),
            user_ids: chosen.get_untracked(),
            online_only: online_only.get_untracked(),
        });
    };
    let toggle = move |id: uuid::Uuid| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|x| *x == id) {
                c.remove(i);
            } else {
                c.push(id);
            }
        })
    };

    view! {
        <form class="auto-assign" data-testid="auto-assign" on:submit=save>
            <label class="check"><input type="checkbox" name="enabled" bind:checked=enabled/>{i18n.tr(Msg::AutoAssignEnabled)}</label>
            <div class="user-checks">
                {move || users.get().and_then(|r| r.ok()).map(|l| l.items.into_iter().filter(|u| !u.disabled).map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" name=u.email.clone() prop:checked=move || chosen.with(|c| c.contains(&id)) on:change=move |_| toggle(id)/>
                            {u.name}
                        </label>
                    }
                }).collect_view())}
            </div>
            <label class="check"><input type="checkbox" name="online_only" bind:checked=online_only/>{i18n.tr(Msg::OnlineOnly)}</label>
            {form_error(error)}
            <button type="submit" disabled=saving.pending()>{i18n.tr(Msg::Save)}</button>
        </form>
    }
}
