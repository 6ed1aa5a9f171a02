//! A board's settings for admins: its name and colour (or deleting it), who it is shared with,
//! its stages and labels, its custom fields and base card.

use domain::i18n::Msg;
use domain::{UpdateBoardRequest, UserList};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::{fill, use_i18n};
use crate::pages::{confirm, field_error, form_error};

#[component]
pub fn BoardSettings(
    board: domain::BoardView,
    users: LocalResource<Result<UserList, ApiError>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let done = move |result: Result<(), ApiError>| match result {
        Ok(()) => {
            error.set(None);
            on_changed.try_run(());
        }
        Err(e) => error.set(Some(e)),
    };
    let board_id = board.id;
    let members = RwSignal::new(board.member_ids.clone());
    // Sharing and renaming both change the board: one PATCH each.
    let updating = Task::new(move |req: &UpdateBoardRequest| {
        let req = req.clone();
        async move {
            done(client::update_board(board_id, &req).await.map(|_| ()));
        }
    });
    let share = move |id: Uuid| {
        super::card::toggle(members, id);
        let req = UpdateBoardRequest { member_ids: Some(members.get_untracked()), ..Default::default() };
        updating.dispatch(req);
    };
    let name = RwSignal::new(board.name.clone());
    let colour = RwSignal::new(board.colour.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = UpdateBoardRequest {
            name: Some(name.get_untracked()),
            colour: Some(colour.get_untracked()),
            ..Default::default()
        };
        updating.dispatch(req);
    };
    let cards: i64 = board.stages.iter().map(|s| s.card_count).sum();
    let title = board.name.clone();
    let navigate = use_navigate();
    let deleting = Task::new(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match client::delete_board(board_id).await {
                Ok(()) => navigate("/boards", Default::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let delete = move |_| {
        let question = fill(i18n.t(Msg::ConfirmDeleteBoard), &[("{n}", cards as usize)]).replace("{name}", &title);
        if confirm(&question) {
            deleting.dispatch(());
        }
    };
    let user_checks = move || {
        users.get().and_then(Result::ok).map(|l| {
            l.items
                .into_iter()
                .filter(|u| u.role == domain::Role::Agent)
                .map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check"><input type="checkbox" prop:checked=move || members.with(|m| m.contains(&id))
                            on:change=move |_| share(id)/>{u.name}</label>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel board-settings" data-testid="board-settings" aria-label=i18n.tr(Msg::NavSettings)>
            <fieldset data-testid="board-identity"><legend>{i18n.tr(Msg::Board)}</legend>
                <form class="inline" on:submit=rename>
                    <input name="board_name" required maxlength="120" aria-label=i18n.tr(Msg::Name) bind:value=name/>
                    <input type="color" name="board_colour" aria-label=i18n.tr(Msg::Colour) bind:value=colour/>
                    <button type="submit" class="secondary" disabled=updating.pending()>{i18n.tr(Msg::Save)}</button>
                    <button type="button" class="link danger" disabled=deleting.pending() on:click=delete>{i18n.tr(Msg::DeleteBoard)}</button>
                </form>
                {field_error(error, "name")}
                {form_error(error)}
            </fieldset>
            <fieldset><legend>{i18n.tr(Msg::Users)}</legend>{user_checks}</fieldset>
            <super::stage_settings::StageSettings board_id=board_id stages=board.stages.clone() on_changed=on_changed/>
            <super::label_settings::LabelSettings board_id=board_id labels=board.labels.clone() on_changed=on_changed/>
            <super::fields::FieldsSettings board_id=board_id fields=board.fields.clone() on_changed=on_changed/>
            <super::base_card::BaseCardSettings board=board.clone() users=users/>
        </section>
    }
}
