//! "Add to a board" for a contact: choose a board and a stage, and a card linked to the contact
//! is created there. Part of the client card, so the client screen and the desk's client
//! panel both have it.

use domain::i18n::Msg;
use domain::CreateCardRequest;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::i18n::use_i18n;
use crate::pages::form_error;

#[component]
pub fn AddToBoard(contact_id: Uuid, contact_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let boards = LocalResource::new(client::boards);
    let board = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let title = RwSignal::new(contact_name);
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<(Uuid, Uuid)>);
    let taken = RwSignal::new(None::<(Uuid, Uuid)>);
    let list = move || boards.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default();
    // The first board and its first stage are chosen until the user picks others.
    Effect::new(move |_| {
        let all = list();
        if board.get().is_empty() {
            if let Some(first) = all.first() {
                board.set(first.id.to_string());
            }
        }
    });
    let stages = move || {
        let b = board.get();
        list().into_iter().find(|x| x.id.to_string() == b).map(|x| x.stages).unwrap_or_default()
    };
    Effect::new(move |_| {
        let s = stages();
        if !s.iter().any(|x| x.id.to_string() == stage.get_untracked()) {
            stage.set(s.first().map(|x| x.id.to_string()).unwrap_or_default());
        }
    });
    let creating = Action::new_local(move |adding: &(Uuid, CreateCardRequest)| {
        let adding = adding.clone();
        async move {
            let (board_id, req) = adding;
            match client::create_card(board_id, &req).await {
                Ok(card) => {
                    error.set(None);
                    created.set(Some((board_id, card.id)));
                }
                // One card per client per board: point at the one there is.
                Err(e) if e.status == 409 => {
                    let detail = e.problem.and_then(|p| p.detail).unwrap_or_default();
                    let existing = detail.split(['(', ')']).find_map(|part| part.parse::<Uuid>().ok());
                    error.set(None);
                    taken.set(existing.map(|card| (board_id, card)));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(board_id), Ok(stage_id)) =
            (board.get_untracked().parse::<Uuid>(), stage.get_untracked().parse::<Uuid>())
        else {
            return;
        };
        let req = CreateCardRequest {
            stage_id,
            title: title.get_untracked(),
            contact_id: Some(contact_id),
            ..Default::default()
        };
        let adding = (board_id, req);
        creating.dispatch(adding);
    };
    view! {
        <div class="add-to-board">
            <button type="button" class="secondary" aria-expanded=move || open.get().to_string() data-testid="add-to-board"
                on:click=move |_| open.update(|o| *o = !*o)>{i18n.tr(Msg::AddToBoard)}</button>
            <Show when=move || open.get()>
                <form class="stack" data-testid="add-to-board-form" on:submit=submit>
                    <label>{i18n.tr(Msg::Board)}
                        <select name="board" bind:value=board>
                            {move || list().into_iter().map(|b| view! { <option value=b.id.to_string()>{b.name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{i18n.tr(Msg::Stage)}
                        <select name="stage" bind:value=stage>
                            {move || stages().into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{i18n.tr(Msg::CardTitle)}<input name="card_title" required maxlength="200" bind:value=title/></label>
                    <button type="submit" disabled=move || creating.pending().get()>{i18n.tr(Msg::AddCard)}</button>
                    {form_error(error)}
                    {move || taken.get().map(|(b, c)| view! {
                        <p role="alert" class="form-error">{i18n.tr(Msg::ContactHasCard)}" "
                            <a href=format!("/boards/{b}?card={c}")>{i18n.tr(Msg::OpenCard)}</a></p>
                    })}
                    {move || created.get().map(|(b, c)| view! {
                        <p role="status">{i18n.tr(Msg::CardOnBoard)}" "
                            <a href=format!("/boards/{b}?card={c}")>{i18n.tr(Msg::OpenCard)}</a></p>
                    })}
                </form>
            </Show>
        </div>
    }
}
