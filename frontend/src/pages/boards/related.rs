//! Related cards in a card's dialog: the linked ones (a deal and the client's portfolio card),
//! and a search over any board to link another.

use domain::i18n::Msg;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::clients::filter::encode;
use crate::pages::form_error;

#[component]
pub fn RelatedCards(card_id: Uuid, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::new());
    let error = RwSignal::new(None::<ApiError>);
    let load_action = Task::new(move |_: &()| async move {
        match client::related(card_id).await {
            Ok(l) => list.set(l.items),
            Err(e) => error.set(Some(e)),
        }
    });
    let load = move || {
        load_action.dispatch(());
    };
    load();
    let boards = crate::busy::load(client::boards);
    let board = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<(Uuid, String)>::new());
    let finding = Task::new(move |searching: &(Uuid, String)| {
        let searching = searching.clone();
        async move {
            let (board_id, query) = searching;
            match client::cards(board_id, &query).await {
                Ok(view) => found.set(
                    view.stages
                        .into_iter()
                        .flat_map(|s| s.cards)
                        .filter(|c| c.id != card_id)
                        .map(|c| (c.id, c.title))
                        .take(10)
                        .collect(),
                ),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(board_id) = board.get_untracked().parse::<Uuid>() else { return };
        let searching = (board_id, format!("per_stage=10&q={}", encode(&q.get_untracked())));
        finding.dispatch(searching);
    };
    let link_action = Task::new(move |other: &Uuid| {
        let other = *other;
        async move {
            match client::relate(card_id, other).await {
                Ok(l) => {
                    list.set(l.items);
                    found.set(Vec::new());
                    error.set(None);
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let link = move |other: Uuid| {
        link_action.dispatch(other);
    };
    let unlink_action = Task::new(move |other: &Uuid| {
        let other = *other;
        async move {
            match client::unrelate(card_id, other).await {
                Ok(()) => {
                    load();
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let unlink = move |other: Uuid| {
        unlink_action.dispatch(other);
    };
    view! {
        <section class="related" data-testid="related-cards">
            <h3>{i18n.tr(Msg::RelatedCards)}</h3>
            <ul class="attachment-list">
                {move || list.get().into_iter().map(|r| {
                    let title = r.title.clone();
                    view! {
                        <li>
                            <a href=format!("/boards/{}?card={}", r.board_id, r.id)>{r.title.clone()}</a>
                            <span class="muted">{format!("{} · {}", r.board_name, r.stage_name)}</span>
                            <button type="button" class="link danger" aria-label=move || format!("{} {}", i18n.t(Msg::Unlink), title)
                                on:click=move |_| unlink(r.id)>{i18n.tr(Msg::Unlink)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" data-testid="relate-form" on:submit=search>
                <select name="related_board" aria-label=i18n.tr(Msg::Board) bind:value=board>
                    <option value="">{i18n.tr(Msg::Board)}</option>
                    {move || boards.get().and_then(Result::ok).map(|l| l.items.into_iter().map(|b| view! { <option value=b.id.to_string()>{b.name}</option> }).collect_view())}
                </select>
                <input name="related_q" type="search" aria-label=i18n.tr(Msg::SearchCards) placeholder=i18n.tr(Msg::SearchCards) bind:value=q/>
                <button type="submit" class="secondary" disabled=finding.pending()>{i18n.tr(Msg::FindCard)}</button>
            </form>
            <ul class="attachment-list">
                {move || found.get().into_iter().map(|(id, title)| {
                    let label = title.clone();
                    view! {
                        <li>
                            <span>{title}</span>
                            <button type="button" class="link" aria-label=move || format!("{} {}", i18n.t(Msg::LinkCard), label)
                                on:click=move |_| link(id)>{i18n.tr(Msg::LinkCard)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {form_error(error)}
        </section>
    }
}
