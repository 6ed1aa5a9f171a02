//! A card's checklist in the card dialog: tick, add, remove; "2/3" shows how far it is.

use domain::i18n::Msg;
use domain::ChecklistItemView;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};

#[component]
pub fn Checklist(card_id: Uuid, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<ChecklistItemView>::new());
    let error = RwSignal::new(None::<ApiError>);
    let loaded = crate::busy::load(move || client::checklist(card_id));
    Effect::new(move || match loaded.get() {
        Some(Ok(list)) => items.set(list.items),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let replace = move |item: ChecklistItemView| {
        items.update(|all| {
            if let Some(slot) = all.iter_mut().find(|i| i.id == item.id) {
                *slot = item;
            }
        });
        on_changed.try_run(());
    };
    let tick_action = Task::new(move |(id, done): &(Uuid, bool)| {
        let (id, done) = (*id, *done);
        async move {
            match client::tick(card_id, id, done).await {
                Ok(item) => replace(item),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let tick = move |id: Uuid, done: bool| {
        tick_action.dispatch((id, done));
    };
    let remove_action = Task::new(move |id: &Uuid| {
        let id = *id;
        async move {
            match client::delete_checklist_item(card_id, id).await {
                Ok(()) => {
                    items.update(|all| all.retain(|i| i.id != id));
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let remove = move |id: Uuid| {
        remove_action.dispatch(id);
    };
    let text = RwSignal::new(String::new());
    let adding = Task::new(move |t: &String| {
        let t = t.clone();
        async move {
            match client::add_checklist_item(card_id, t).await {
                Ok(item) => {
                    items.update(|all| all.push(item));
                    text.set(String::new());
                    error.set(None);
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked();
        adding.dispatch(t);
    };
    let progress = move || {
        items.with(|all| (!all.is_empty()).then(|| format!("{}/{}", all.iter().filter(|i| i.done).count(), all.len())))
    };
    view! {
        <section class="checklist" aria-labelledby="checklist-title" data-testid="checklist">
            <h3 id="checklist-title">{i18n.tr(Msg::Checklist)}" "<span class="muted" data-testid="checklist-progress">{progress}</span></h3>
            <ul class="plain">
                {move || items.get().into_iter().map(|item| {
                    let id = item.id;
                    view! {
                        <li class:done=item.done>
                            <label class="check"><input type="checkbox" prop:checked=item.done on:change=move |ev| tick(id, event_target_checked(&ev))/>{item.text.clone()}</label>
                            " "<button type="button" class="link danger" aria-label=format!("{} {}", i18n.t(Msg::Delete), item.text)
                                on:click=move |_| remove(id)>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" on:submit=add>
                <input name="checklist_item" required maxlength="200" placeholder=i18n.tr(Msg::NewItem) aria-label=i18n.tr(Msg::NewItem) bind:value=text/>
                <button type="submit" class="secondary" disabled=adding.pending()>{i18n.tr(Msg::AddItem)}</button>
            </form>
            {field_error(error, "text")}
            {form_error(error)}
        </section>
    }
}
