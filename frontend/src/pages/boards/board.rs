//! A board: its stages side by side (one at a time on a phone), cards moved by drag and drop
//! or with Alt + arrow keys, "+ Add card" per stage, "load more", filters in the URL, live
//! updates from the event stream.

use domain::i18n::Msg;
use domain::{BoardView, CardView, CreateCardRequest, StageCards, UserList};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::card::CardDialog;
use super::filters::{filter_query, BoardFilters};
use super::history::HistoryPanel;
use crate::api::boards as client;
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;
use crate::realtime::use_realtime;
use crate::session::use_session;

/// How a board's screens ask for the columns to be loaded again (after a card changed).
#[derive(Clone, Copy)]
pub struct Columns {
    pub reload: Callback<()>,
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let board_id = move || params.get().get("id").and_then(|id| id.parse::<Uuid>().ok());
    let board = crate::busy::load(move || {
        let id = board_id();
        async move {
            match id {
                Some(id) => client::board(id).await,
                None => Err(ApiError { status: 404, problem: None }),
            }
        }
    });
    let users = crate::busy::load(api::users::list);
    // Outlives the screen, which a settings change rebuilds: the admin keeps working in it.
    let settings_open = RwSignal::new(false);
    // Made here, not in the view below: that view is rebuilt by the refetch, and work still
    // running in the old screen (a second click) calls this after it.
    let on_changed = Callback::new(move |_| board.refetch());
    move || {
        board.get().map(|res| match res {
            Ok(b) => view! { <BoardScreen board=b users=users settings_open=settings_open on_changed=on_changed/> }.into_any(),
            Err(e) => view! { <h1>{move || use_i18n().t(Msg::NavBoards)}</h1><p role="alert" class="form-error">{e.summary()}</p> }.into_any(),
        })
    }
}

#[component]
fn BoardScreen(
    board: BoardView,
    users: LocalResource<Result<UserList, ApiError>>,
    settings_open: RwSignal<bool>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let board_id = board.id;
    let qs = Memo::new(move |_| filter_query(&query.get()));
    let stages = RwSignal::new(Vec::<StageCards>::new());
    // The stage a phone shows.
    let current = RwSignal::new(0usize);
    let error = RwSignal::new(None::<ApiError>);
    let announce = RwSignal::new(String::new());
    // The cards under the filter, loaded again on each `load()`. The resource shows only its
    // newest load's answer: an older one (started before a move) would put the card back.
    let reloads = RwSignal::new(0u64);
    let loaded = crate::busy::load(move || {
        let q = qs.get();
        reloads.track();
        async move { client::cards(board_id, &q).await }
    });
    let load = move || reloads.update(|n| *n += 1);
    Effect::new(move |_| match loaded.get() {
        Some(Ok(cards)) => {
            // Re-rendering replaces the tiles: keep the keyboard where it was.
            let focused = focused_card();
            stages.set(cards.stages);
            error.set(None);
            if let Some(id) = focused {
                request_animation_frame(move || focus_card(id));
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let columns = Columns { reload: Callback::new(move |_| load()) };
    provide_context(columns);

    // Someone else moved or edited a card of this board: show it.
    let realtime = use_realtime();
    let me = session.user.with_untracked(|u| u.clone().flatten().map(|u| u.id));
    Effect::new(move |_| {
        let Some(event) = realtime.last.get() else { return };
        use domain::events::EventData;
        let reload = match &event.data {
            EventData::CardCreated(c)
            | EventData::CardUpdated(c)
            | EventData::CardMoved(c)
            | EventData::CardDeleted(c) => c.board_id == board_id && Some(c.by) != me,
            EventData::Reset => true,
            _ => false,
        };
        if reload {
            load();
        }
    });

    let stage_names: Vec<(Uuid, String)> = board.stages.iter().map(|s| (s.id, s.name.clone())).collect();
    let open_card = Memo::new(move |_| query.get().get("card").and_then(|c| c.parse::<Uuid>().ok()));
    let close_card = {
        let navigate = navigate.clone();
        Callback::new(move |_: ()| navigate(&format!("/boards/{board_id}?{}", qs.get_untracked()), Default::default()))
    };
    let history_open = RwSignal::new(false);

    let moving = Task::new(move |&(card, stage, after): &(Uuid, Uuid, Option<Uuid>)| async move {
        match client::move_card(card, stage, after).await {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
        load();
    });
    let move_card = Callback::new(move |(card, stage, after): (Uuid, Uuid, Option<Uuid>)| {
        // Shown at once; the server's order and totals follow. A phone shows the stage the
        // card went to.
        stages.update(|all| place(all, card, stage, after));
        if let Some(i) = stages.with_untracked(|all| all.iter().position(|c| c.stage_id == stage)) {
            current.set(i);
        }
        moving.dispatch((card, stage, after));
    });

    let names = stage_names.clone();
    let stage_name = move |id: Uuid| names.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let board_for_columns = board.clone();
    let columns_view = move || {
        stages
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, column)| {
                let stage = board_for_columns.stages.iter().find(|s| s.id == column.stage_id).cloned();
                let Some(stage) = stage else { return ().into_any() };
                let neighbours = (
                    index.checked_sub(1).and_then(|i| stages.with_untracked(|s| s.get(i).map(|c| c.stage_id))),
                    stages.with_untracked(|s| s.get(index + 1).map(|c| c.stage_id)),
                );
                let stage_name = stage_name.clone();
                view! {
                    <StageColumn stage=stage column=column board=board_for_columns.clone()
                        current=Signal::derive(move || current.get() == index) neighbours=neighbours
                        move_card=move_card announce=announce stage_name=Callback::new(stage_name)/>
                }
                .into_any()
            })
            .collect_view()
    };

    let switcher = stage_names.clone();
    let settings_board = board.clone();
    let dialog_board = board.clone();
    view! {
        <div class="clients-head board-head" style=format!("--board-colour: {}", board.colour)>
            <h1>{board.name.clone()}</h1>
            <span class="spacer"></span>
            <button class="secondary" data-testid="reload" on:click=move |_| load()>{i18n.tr(Msg::Reload)}</button>
            <button class="secondary" data-testid="history" aria-expanded=move || history_open.get().to_string()
                on:click=move |_| history_open.update(|o| *o = !*o)>{i18n.tr(Msg::History)}</button>
            <Show when=move || session.is_admin()>
                <button class="secondary" aria-expanded=move || settings_open.get().to_string()
                    on:click=move |_| settings_open.update(|o| *o = !*o)>{i18n.tr(Msg::NavSettings)}</button>
            </Show>
        </div>
        <p class="muted hint">{i18n.tr(Msg::MoveKeysHint)}</p>
        <BoardFilters board=board.clone() users=users/>
        <Show when=move || settings_open.get()>
            <super::board_settings::BoardSettings board=settings_board.clone() users=users on_changed=on_changed/>
        </Show>
        <Show when=move || history_open.get()>
            <HistoryPanel board_id=board_id stages=stage_names.clone() card_id=None users=users on_close=Callback::new(move |_| history_open.set(false))/>
        </Show>
        {form_error(error)}
        <label class="stage-switcher">{i18n.tr(Msg::Stage)}
            <select data-testid="stage-switcher" on:change=move |ev| current.set(event_target_value(&ev).parse().unwrap_or(0))
                prop:value=move || current.get().to_string()>
                {switcher.into_iter().enumerate().map(|(i, (_, name))| view! { <option value=i.to_string()>{name}</option> }).collect_view()}
            </select>
        </label>
        <div class="board" data-testid="board">{columns_view}</div>
        <p class="sr-only" aria-live="polite">{move || announce.get()}</p>
        {move || open_card.get().map(|id| view! { <CardDialog card_id=id board=dialog_board.clone() users=users on_close=close_card/> })}
    }
}

/// Moves `card` in the loaded columns to `stage`, right after `after` (first when `None`).
fn place(all: &mut [StageCards], card: Uuid, stage: Uuid, after: Option<Uuid>) {
    let mut moved: Option<CardView> = None;
    for column in all.iter_mut() {
        if let Some(i) = column.cards.iter().position(|c| c.id == card) {
            moved = Some(column.cards.remove(i));
            column.count -= 1;
        }
    }
    let Some(mut moved) = moved else { return };
    moved.stage_id = stage;
    if let Some(column) = all.iter_mut().find(|c| c.stage_id == stage) {
        let at = after.and_then(|a| column.cards.iter().position(|c| c.id == a)).map(|i| i + 1).unwrap_or(0);
        column.cards.insert(at.min(column.cards.len()), moved);
        column.count += 1;
    }
}

/// Where a drop at height `y` lands in a stage's list: after which card (`None`: first).
fn drop_after(list: &web_sys::Element, y: f64, dragging: Option<Uuid>) -> Option<Uuid> {
    let items = list.query_selector_all("li[data-card]").ok()?;
    let mut after = None;
    for i in 0..items.length() {
        let Some(item) = items.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let id = item.get_attribute("data-card").and_then(|v| v.parse::<Uuid>().ok());
        if id.is_none() || id == dragging {
            continue;
        }
        let rect = item.get_bounding_client_rect();
        if y < rect.top() + rect.height() / 2.0 {
            break;
        }
        after = id;
    }
    after
}

/// The card tile that has the keyboard focus, if any.
fn focused_card() -> Option<Uuid> {
    let active = web_sys::window()?.document()?.active_element()?;
    active.id().strip_prefix("card-")?.parse().ok()
}

fn focus_card(id: Uuid) {
    crate::focus::focus_by_id(&format!("card-{id}"));
}

#[component]
fn StageColumn(
    stage: domain::StageView,
    column: StageCards,
    board: BoardView,
    current: Signal<bool>,
    neighbours: (Option<Uuid>, Option<Uuid>),
    move_card: Callback<(Uuid, Uuid, Option<Uuid>)>,
    announce: RwSignal<String>,
    stage_name: Callback<Uuid, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let columns = expect_context::<Columns>();
    let stage_id = stage.id;
    let board_id = board.id;
    let over_limit = stage.wip_limit.is_some_and(|limit| column.count > i64::from(limit));
    let sums = column.sums.clone();
    let cards = RwSignal::new(column.cards.clone());
    let next = RwSignal::new(column.next_cursor.clone());
    let ids: Vec<Uuid> = column.cards.iter().map(|c| c.id).collect();

    let on_dragover = move |ev: web_sys::DragEvent| ev.prevent_default();
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        let card = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).and_then(|v| v.parse::<Uuid>().ok());
        let Some(card) = card else { return };
        let list = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let after = list.and_then(|l| drop_after(&l, f64::from(ev.client_y()), Some(card)));
        move_card.run((card, stage_id, after));
        announce.set(format!("{} {}", i18n.t(Msg::MovedTo), stage_name.run(stage_id)));
    };

    // Alt + arrows: between stages (to the top) and up or down within this one.
    let keyboard = {
        let ids = ids.clone();
        move |card: Uuid, ev: &web_sys::KeyboardEvent| -> bool {
            if !ev.alt_key() {
                return false;
            }
            let at = ids.iter().position(|c| *c == card).unwrap_or(0);
            let target = match ev.key().as_str() {
                "ArrowLeft" => neighbours.0.map(|s| (s, None)),
                "ArrowRight" => neighbours.1.map(|s| (s, None)),
                "ArrowUp" if at > 0 => Some((stage_id, at.checked_sub(2).map(|i| ids[i]))),
                "ArrowDown" if at + 1 < ids.len() => Some((stage_id, Some(ids[at + 1]))),
                _ => None,
            };
            let Some((stage, after)) = target else { return false };
            move_card.run((card, stage, after));
            announce.set(format!("{} {}", i18n.t(Msg::MovedTo), stage_name.run(stage)));
            // The columns re-render from the moved state; focus follows the card.
            request_animation_frame(move || focus_card(card));
            true
        }
    };

    let adding = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let add_error = RwSignal::new(None::<ApiError>);
    let creating = Task::new(move |req: &CreateCardRequest| {
        let req = req.clone();
        async move {
            match client::create_card(board_id, &req).await {
                Ok(_) => {
                    title.set(String::new());
                    add_error.set(None);
                    columns.reload.try_run(());
                }
                Err(e) => add_error.set(Some(e)),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateCardRequest { stage_id, title: title.get_untracked(), ..Default::default() };
        creating.dispatch(req);
    };
    let loading_more = Task::new(move |(q, cursor): &(String, String)| {
        let (q, cursor) = (q.clone(), cursor.clone());
        async move {
            if let Ok(page) = client::more_cards(board_id, &q, stage_id, &cursor).await {
                if let Some(more) = page.stages.into_iter().next() {
                    cards.update(|all| all.extend(more.cards));
                    next.set(more.next_cursor);
                }
            }
        }
    });
    let load_more = move |_| {
        loading_more.dispatch((filter_query(&query.get_untracked()), next.get_untracked().unwrap_or_default()));
    };
    let labels = board.labels.clone();
    let tile = move |card: CardView| {
        let id = card.id;
        let filter = filter_query(&query.get_untracked());
        let href = format!("/boards/{board_id}?{filter}{}card={id}", if filter.is_empty() { "" } else { "&" });
        let open = {
            let navigate = navigate.clone();
            let href = href.clone();
            move || navigate(&href, Default::default())
        };
        let keyboard = keyboard.clone();
        let card_labels: Vec<_> = labels.iter().filter(|l| card.label_ids.contains(&l.id)).cloned().collect();
        let value = card.value.clone();
        let contact = card.contact.as_ref().and_then(|c| c.name.clone().or(c.email.clone()).or(c.phone.clone()));
        view! {
            <li class="card-tile" class:stale=card.stale class:lost=card.lost_at.is_some() tabindex="0" id=format!("card-{id}")
                data-card=id.to_string() draggable="true" aria-label=card.title.clone()
                on:dragstart=move |ev: web_sys::DragEvent| {
                    if let Some(d) = ev.data_transfer() {
                        let _ = d.set_data("text/plain", &id.to_string());
                        d.set_effect_allowed("move");
                    }
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if keyboard(id, &ev) {
                        ev.prevent_default();
                    } else if ev.key() == "Enter" && !ev.alt_key() {
                        ev.prevent_default();
                        open();
                    }
                }>
                <a class="card-title" href=href.clone() tabindex="-1">{card.title.clone()}</a>
                {contact.map(|c| view! { <span class="card-contact">{c}</span> })}
                {value.map(|v| view! { <span class="card-value">{move || domain::labels::money_value_text(&v, i18n.lang.get())}</span> })}
                <span class="card-badges">
                    {card_labels.into_iter().map(|l| view! { <span class="label-chip" style=format!("--label-colour: {}", l.colour)>{l.name}</span> }).collect_view()}
                    {card.stale.then(|| view! { <span class="badge stale">{i18n.tr(Msg::StaleBadge)}</span> })}
                    {card.lost_at.is_some().then(|| view! { <span class="badge lost">{i18n.tr(Msg::LostBadge)}</span> })}
                    {card.archived_at.is_some().then(|| view! { <span class="badge">{i18n.tr(Msg::ArchivedBadge)}</span> })}
                    {card.converted_to_client_at.is_some().then(|| view! { <span class="badge won">{i18n.tr(Msg::ConvertedClient)}</span> })}
                </span>
            </li>
        }
    };
    view! {
        <section class="stage-col" class:current=move || current.get() data-stage=stage.name.clone()
            style=format!("--stage-colour: {}", stage.colour) aria-label=stage.name.clone()>
            <header class="stage-head">
                <h2>{stage.name.clone()}</h2>
                <span class="count" data-testid="stage-count">{column.count}</span>
                {over_limit.then(|| view! { <span class="badge lost">{i18n.tr(Msg::OverLimit)}</span> })}
                <span class="stage-sum">{move || sums.iter().map(|m| domain::labels::money_value_text(m, i18n.lang.get())).collect::<Vec<_>>().join(" · ")}</span>
            </header>
            <ul class="stage-cards" on:dragover=on_dragover on:drop=on_drop>
                <For each=move || cards.get() key=|c| (c.id, c.version) children=tile.clone()/>
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button class="link" disabled=loading_more.pending() on:click=load_more>{i18n.tr(Msg::LoadMore)}</button>
            </Show>
            <Show when=move || adding.get() fallback=move || view! {
                <button class="link add-card" on:click=move |_| adding.set(true)>"+ "{i18n.tr(Msg::AddCard)}</button>
            }>
                <form class="add-card-form" on:submit=add>
                    <input name="title" required maxlength="200" aria-label=i18n.tr(Msg::CardTitle)
                        placeholder=i18n.tr(Msg::CardTitle) bind:value=title autofocus/>
                    <button disabled=creating.pending() type="submit">{i18n.tr(Msg::AddCard)}</button>
                    <button type="button" class="link" on:click=move |_| adding.set(false)>{i18n.tr(Msg::Cancel)}</button>
                    {form_error(add_error)}
                </form>
            </Show>
        </section>
    }
}
