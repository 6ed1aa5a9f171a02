//! A board's stages in its settings: each row renames, recolours, sets stale days and a WIP
//! limit (saved together); rows reorder by dragging or with their arrow buttons; a stage is
//! deleted after choosing where its cards go. A new stage is added last.

use domain::i18n::Msg;
use domain::{CreateStageRequest, StageView, UpdateStageRequest};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Busy;
use crate::focus::focus_when_redrawn;
use crate::i18n::{fill, use_i18n};
use crate::pages::{confirm, field_error, form_error};

/// What a reorder asks for: the stage's index now, its index after, and the class of the
/// control to focus once the board is drawn again (keyboard users stay on the arrow).
type Reorder = (usize, usize, &'static str);

#[component]
pub fn StageSettings(board_id: Uuid, stages: Vec<StageView>, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let order = StoredValue::new(stages.iter().map(|s| s.id).collect::<Vec<_>>());
    let names: Vec<(Uuid, String)> = stages.iter().map(|s| (s.id, s.name.clone())).collect();
    let dragged = RwSignal::new(None::<usize>);
    // Set from a move until the board is drawn again in its new order: this order is stale
    // by then, and a second click would move from it.
    let moving = RwSignal::new(false);
    let reorder = Callback::new(move |(from, to, focus): Reorder| {
        let (stage, after) = order.with_value(|o| (o[from], domain::stage_after(o, from, to)));
        if from == to || moving.get_untracked() {
            return;
        }
        moving.set(true);
        leptos::task::spawn_local(async move {
            match client::move_stage(board_id, stage, after).await {
                Ok(_) => {
                    focus_when_redrawn(format!("[data-stage-id=\"{stage}\"] .{focus}"));
                    on_changed.try_run(());
                }
                Err(e) => {
                    error.set(Some(e));
                    moving.set(false);
                }
            }
        });
    });
    let count = stages.len();
    let rows = stages
        .into_iter()
        .enumerate()
        .map(|(index, stage)| {
            let others: Vec<(Uuid, String)> = names.iter().filter(|(id, _)| *id != stage.id).cloned().collect();
            view! { <StageRow board_id stage index count others dragged moving reorder on_changed/> }
        })
        .collect_view();
    view! {
        <fieldset data-testid="board-stages"><legend>{i18n.tr(Msg::Stages)}</legend>
            <p class="muted hint">{i18n.tr(Msg::StageOrderHint)}</p>
            <ol class="settings-rows">{rows}</ol>
            {form_error(error)}
            <NewStage board_id on_changed/>
        </fieldset>
    }
}

#[component]
fn StageRow(
    board_id: Uuid,
    stage: StageView,
    index: usize,
    count: usize,
    others: Vec<(Uuid, String)>,
    dragged: RwSignal<Option<usize>>,
    moving: RwSignal<bool>,
    reorder: Callback<Reorder>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stage_id = stage.id;
    let cards = stage.card_count;
    let title = stage.name.clone();
    let name = RwSignal::new(stage.name.clone());
    let colour = RwSignal::new(stage.colour.clone());
    let stale = RwSignal::new(stage.stale_days.map(|d| d.to_string()).unwrap_or_default());
    let wip = RwSignal::new(stage.wip_limit.map(|d| d.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let busy = Busy::new();
    let finish = move |result: Result<(), ApiError>| match result {
        Ok(()) => {
            error.set(None);
            on_changed.try_run(());
        }
        Err(e) => error.set(Some(e)),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // An emptied number clears it (`null`).
        let number = |s: String| s.trim().parse::<i32>().ok();
        let req = UpdateStageRequest {
            name: Some(name.get_untracked()),
            colour: Some(colour.get_untracked()),
            stale_days: Some(number(stale.get_untracked())),
            wip_limit: Some(number(wip.get_untracked())),
        };
        busy.run(async move { finish(client::update_stage(board_id, stage_id, &req).await.map(|_| ())) });
    };
    // A stage with cards asks where they go before it can be deleted.
    let choosing = RwSignal::new(false);
    let move_to = RwSignal::new(String::new());
    let delete = move |to: Option<Uuid>| {
        busy.run(async move { finish(client::delete_stage(board_id, stage_id, to).await) });
    };
    let ask_delete = {
        let title = title.clone();
        move |_| {
            if cards > 0 {
                choosing.set(true);
            } else if confirm(&i18n.t(Msg::ConfirmDeleteStage).replace("{name}", &title)) {
                delete(None);
            }
        }
    };
    let delete_moving = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(to) = move_to.get_untracked().parse::<Uuid>() {
            delete(Some(to));
        }
    };
    let targets = move || {
        others.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()
    };
    let count_text = move |one: Msg, many: Msg| match cards {
        1 => i18n.t(one).to_string(),
        n => fill(i18n.t(many), &[("{n}", n as usize)]),
    };
    let named = |msg: Msg, title: &str| {
        let title = title.to_string();
        move || format!("{}: {title}", i18n.t(msg))
    };
    view! {
        <li class="settings-row stage-row" data-stage-id=stage_id.to_string() class:dragging=move || dragged.get() == Some(index)
            draggable="true"
            on:dragstart=move |ev: web_sys::DragEvent| {
                if let Some(d) = ev.data_transfer() {
                    let _ = d.set_data("text/plain", &stage_id.to_string());
                    d.set_effect_allowed("move");
                }
                dragged.set(Some(index));
            }
            on:dragend=move |_| dragged.set(None)
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                if let Some(from) = dragged.get_untracked() {
                    reorder.run((from, index, "move-down"));
                }
                dragged.set(None);
            }>
            <span class="drag-handle" aria-hidden="true">"⠿"</span>
            <form class="inline" on:submit=save>
                <input name="stage_name" required maxlength="80" aria-label=i18n.tr(Msg::Stage) bind:value=name/>
                <input type="color" name="stage_colour" aria-label=i18n.tr(Msg::Colour) bind:value=colour/>
                <label class="compact">{i18n.tr(Msg::StaleDays)}
                    <input name="stale_days" type="number" min="1" max="3650" bind:value=stale/>
                </label>
                <label class="compact">{i18n.tr(Msg::WipLimit)}
                    <input name="wip_limit" type="number" min="1" max="10000" bind:value=wip/>
                </label>
                <span class="muted stage-count">{move || count_text(Msg::StageOneCard, Msg::StageCardCount)}</span>
                <button type="submit" class="secondary" disabled=busy.pending()>{i18n.tr(Msg::Save)}</button>
                <button type="button" class="secondary icon move-up" aria-label=named(Msg::MoveUp, &title) disabled=move || index == 0 || moving.get()
                    on:click=move |_| reorder.run((index, index - 1, "move-up"))>"↑"</button>
                <button type="button" class="secondary icon move-down" aria-label=named(Msg::MoveDown, &title) disabled=move || index + 1 == count || moving.get()
                    on:click=move |_| reorder.run((index, index + 1, "move-down"))>"↓"</button>
                <button type="button" class="link danger" disabled=busy.pending() on:click=ask_delete>{i18n.tr(Msg::DeleteStage)}</button>
            </form>
            <Show when=move || choosing.get()>
                <form class="inline delete-stage" on:submit=delete_moving>
                    <label>{move || count_text(Msg::MoveCardTo, Msg::MoveCardsTo)}
                        <select name="move_to" required bind:value=move_to>
                            <option value="">{i18n.tr(Msg::ChooseStage)}</option>
                            {targets.clone()}
                        </select>
                    </label>
                    <button type="submit" class="danger" disabled=busy.pending()>{i18n.tr(Msg::DeleteStage)}</button>
                    <button type="button" class="link" on:click=move |_| choosing.set(false)>{i18n.tr(Msg::Cancel)}</button>
                </form>
            </Show>
            {field_error(error, "name")}
            {field_error(error, "stale_days")}
            {field_error(error, "wip_limit")}
            {field_error(error, "move_to")}
            {form_error(error)}
        </li>
    }
}

/// "Add stage": a name and, optionally, stale days; it goes last.
#[component]
fn NewStage(board_id: Uuid, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let stale = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = Busy::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateStageRequest {
            name: name.get_untracked(),
            colour: None,
            stale_days: stale.get_untracked().parse().ok(),
            wip_limit: None,
        };
        busy.run(async move {
            match client::add_stage(board_id, &req).await {
                Ok(_) => {
                    name.set(String::new());
                    error.set(None);
                    on_changed.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="inline" on:submit=add>
            <input name="new_stage_name" required maxlength="80" placeholder=i18n.tr(Msg::Stage) aria-label=i18n.tr(Msg::Stage) bind:value=name/>
            <input name="new_stale_days" type="number" min="1" max="3650" placeholder=i18n.tr(Msg::StaleDays) aria-label=i18n.tr(Msg::StaleDays) bind:value=stale/>
            <button type="submit" class="secondary" disabled=busy.pending()>{i18n.tr(Msg::AddStage)}</button>
        </form>
        {field_error(error, "name")}
        {form_error(error)}
    }
}
