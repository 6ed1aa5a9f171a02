//! Boards: the list of pipelines (and a new one from a template), a board's kanban view, the
//! card dialog, filters and history.

mod add_to_board;
mod base_card;
mod board;
mod board_settings;
mod card;
mod checklist;
mod fields;
mod filters;
mod history;
mod label_settings;
mod related;
mod stage_settings;

pub use add_to_board::AddToBoard;
pub use board::BoardPage;

use domain::i18n::Msg;
use domain::{BoardTemplate, CreateBoardRequest};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn BoardsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let boards = crate::busy::load(client::boards);
    let list = move || {
        boards.get().map(|res| match res {
            Ok(list) if list.items.is_empty() => view! {
                <p class="muted">{move || i18n.t(if session.is_admin() { Msg::NoBoards } else { Msg::NoBoardsAgent })}</p>
            }
            .into_any(),
            Ok(list) => view! {
                <ul class="board-list" data-testid="board-list">
                    {list.items.into_iter().map(|b| {
                        let stages = b.stages.len();
                        view! {
                            <li class="panel board-tile" style=format!("--board-colour: {}", b.colour)>
                                <a href=format!("/boards/{}", b.id)>{b.name}</a>
                                <span class="muted">{stages}" "{move || i18n.t(Msg::Stages).to_lowercase()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p role="alert" class="form-error">{e.summary()}</p> }.into_any(),
        })
    };
    view! {
        <div class="clients-head">
            <h1>{i18n.tr(Msg::NavBoards)}</h1>
        </div>
        <Show when=move || session.is_admin()>
            <NewBoardForm/>
        </Show>
        {list}
    }
}

/// Name, template and colour; opens the new board.
#[component]
fn NewBoardForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let template = RwSignal::new("sales_pipeline".to_string());
    let colour = RwSignal::new("#2358d8".to_string());
    let error = RwSignal::new(None::<ApiError>);
    let creating = Task::new(move |req: &CreateBoardRequest| {
        let req = req.clone();
        let navigate = navigate.clone();
        async move {
            match client::create_board(&req).await {
                Ok(board) => navigate(&format!("/boards/{}", board.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateBoardRequest {
            name: name.get_untracked(),
            colour: Some(colour.get_untracked()),
            template: match template.get_untracked().as_str() {
                "sales_pipeline" => Some(BoardTemplate::SalesPipeline),
                "client_portfolio" => Some(BoardTemplate::ClientPortfolio),
                _ => None,
            },
            lang: Some(i18n.lang.get_untracked().code().to_string()),
            member_ids: Vec::new(),
        };
        creating.dispatch(req);
    };
    view! {
        <form class="panel inline-form" data-testid="new-board" on:submit=submit>
            <h2>{i18n.tr(Msg::NewBoard)}</h2>
            <label>{i18n.tr(Msg::Name)}<input name="name" required maxlength="120" bind:value=name/></label>
            {field_error(error, "name")}
            <label>{i18n.tr(Msg::Template)}
                <select name="template" bind:value=template>
                    <option value="sales_pipeline">{i18n.tr(Msg::TemplateSales)}</option>
                    <option value="client_portfolio">{i18n.tr(Msg::TemplatePortfolio)}</option>
                    <option value="">{i18n.tr(Msg::TemplateEmpty)}</option>
                </select>
            </label>
            <label>{i18n.tr(Msg::Colour)}<input type="color" name="colour" bind:value=colour/></label>
            <button disabled=creating.pending() type="submit">{i18n.tr(Msg::Create)}</button>
            {form_error(error)}
        </form>
    }
}
