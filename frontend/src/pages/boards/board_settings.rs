//! A board's settings for admins: who it is shared with, a new stage, a new label, its custom
//! fields and base card.

use domain::i18n::Msg;
use domain::{CreateLabelRequest, CreateStageRequest, UpdateBoardRequest, UserList};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

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
            on_changed.run(());
        }
        Err(e) => error.set(Some(e)),
    };
    let board_id = board.id;
    let members = RwSignal::new(board.member_ids.clone());
    let sharing = Task::new(move |req: &UpdateBoardRequest| {
        let req = req.clone();
        async move {
            done(api::boards::update_board(board_id, &req).await.map(|_| ()));
        }
    });
    let share = move |id: Uuid| {
        members.update(|m| {
            if let Some(i) = m.iter().position(|x| *x == id) {
                m.remove(i);
            } else {
                m.push(id);
            }
        });
        let req = UpdateBoardRequest { member_ids: Some(members.get_untracked()), ..Default::default() };
        sharing.dispatch(req);
    };
    let stage = RwSignal::new(String::new());
    let stale = RwSignal::new(String::new());
    let adding_stage = Task::new(move |req: &CreateStageRequest| {
        let req = req.clone();
        async move {
            let result = client::add_stage(board_id, &req).await.map(|_| ());
            if result.is_ok() {
                stage.set(String::new());
            }
            done(result);
        }
    });
    let add_stage = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateStageRequest {
            name: stage.get_untracked(),
            colour: None,
            stale_days: stale.get_untracked().parse().ok(),
            wip_limit: None,
        };
        adding_stage.dispatch(req);
    };
    let label = RwSignal::new(String::new());
    let colour = RwSignal::new("#7c3aed".to_string());
    let adding_label = Task::new(move |req: &CreateLabelRequest| {
        let req = req.clone();
        async move {
            let result = client::add_label(board_id, &req).await.map(|_| ());
            if result.is_ok() {
                label.set(String::new());
            }
            done(result);
        }
    });
    let add_label = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateLabelRequest { name: label.get_untracked(), colour: Some(colour.get_untracked()) };
        adding_label.dispatch(req);
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
            <fieldset><legend>{i18n.tr(Msg::Users)}</legend>{user_checks}</fieldset>
            <form class="inline" on:submit=add_stage>
                <input name="stage_name" required maxlength="80" placeholder=i18n.tr(Msg::Stage) aria-label=i18n.tr(Msg::Stage) bind:value=stage/>
                <input name="stale_days" type="number" min="1" max="3650" placeholder=i18n.tr(Msg::StaleDays) aria-label=i18n.tr(Msg::StaleDays) bind:value=stale/>
                <button type="submit" class="secondary" disabled=adding_stage.pending()>{i18n.tr(Msg::AddStage)}</button>
            </form>
            <form class="inline" on:submit=add_label>
                <input name="label_name" required maxlength="50" placeholder=i18n.tr(Msg::Label) aria-label=i18n.tr(Msg::Label) bind:value=label/>
                <input type="color" name="label_colour" aria-label=i18n.tr(Msg::Colour) bind:value=colour/>
                <button type="submit" class="secondary" disabled=adding_label.pending()>{i18n.tr(Msg::AddLabel)}</button>
            </form>
            {form_error(error)}
            <super::fields::FieldsSettings board_id=board_id fields=board.fields.clone() on_changed=on_changed/>
            <super::base_card::BaseCardSettings board=board.clone() users=users/>
        </section>
    }
}
