//! A contact's deals: the cards it has on the boards the caller sees, and "Add to a board"
//! (choose a board and a stage, and a card linked to the contact is created there; a board
//! that already has the contact's card shows that card instead). Part of the client card, so
//! the client screen and the desk's client panel both have it.

use domain::i18n::Msg;
use domain::{CardStatus, ContactCard, CreateCardRequest};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

#[component]
pub fn AddToBoard(contact_id: Uuid, contact_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let boards = crate::busy::load(client::boards);
    let board = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let title = RwSignal::new(contact_name);
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<(Uuid, Uuid)>);
    let taken = RwSignal::new(None::<(Uuid, Uuid)>);
    let deals = crate::busy::load(move || crate::api::contacts::cards(contact_id));
    let deal_list = move || deals.get().and_then(Result::ok).unwrap_or_default();
    // The contact's card on the chosen board, if it has one: shown instead of the form's button.
    let existing = move || {
        let b = board.get();
        deal_list().into_iter().find(|d| d.board_id.to_string() == b)
    };
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
    let creating = Task::new(move |adding: &(Uuid, CreateCardRequest)| {
        let adding = adding.clone();
        async move {
            let (board_id, req) = adding;
            match client::create_card(board_id, &req).await {
                Ok(card) => {
                    error.set(None);
                    created.set(Some((board_id, card.id)));
                    deals.refetch();
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
            <h3>{i18n.tr(Msg::Deals)}</h3>
            {move || deals.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="deals-empty">{i18n.tr(Msg::NoDeals)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="deals" data-testid="deals">
                        {list.into_iter().map(|d| view! { <DealLine deal=d/> }).collect_view()}
                    </ul>
                }.into_any(),
                // The desk's panel may show a client the operator is not the seller of: its deals
                // are not theirs to see.
                Err(e) if e.status == 404 => ().into_any(),
                Err(e) => view! { <p class="form-error">{e.summary()}</p> }.into_any(),
            })}
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
                    {move || match existing() {
                        Some(d) => view! {
                            <p data-testid="deal-exists">{i18n.tr(Msg::ContactHasCard)}" "
                                <a href=format!("/boards/{}?card={}", d.board_id, d.id)>{d.title}</a>" · "{d.stage_name}</p>
                        }.into_any(),
                        None => view! {
                            <button type="submit" disabled=creating.pending()>{i18n.tr(Msg::AddCard)}</button>
                        }.into_any(),
                    }}
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

/// One deal: its title (a link to the card), board, stage, value and status.
#[component]
fn DealLine(deal: ContactCard) -> impl IntoView {
    let i18n = use_i18n();
    let (status_class, status_msg) = match deal.status {
        CardStatus::Open => ("badge", Msg::DealOpen),
        CardStatus::Won => ("badge won", Msg::DealWon),
        CardStatus::Lost => ("badge lost", Msg::LostBadge),
        CardStatus::Archived => ("badge", Msg::ArchivedBadge),
    };
    let value = deal.value.clone();
    view! {
        <li class="deal" data-status=deal.status.as_str()>
            <a href=format!("/boards/{}?card={}", deal.board_id, deal.id)>{deal.title.clone()}</a>
            <span class="deal-where"><span class="swatch" style=format!("background: {}", deal.board_colour)></span>
                {deal.board_name.clone()}" · "{deal.stage_name.clone()}</span>
            {value.map(|v| view! { <span class="card-value">{move || domain::labels::money_value_text(&v, i18n.lang.get())}</span> })}
            <span class=status_class>{i18n.tr(status_msg)}</span>
        </li>
    }
}
