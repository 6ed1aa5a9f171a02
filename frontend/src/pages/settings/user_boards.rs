//! The boards a user sees, chosen from the user's row (admins): a board shared with an agent
//! here is the same as ticking them in that board's settings.

use domain::i18n::Msg;
use domain::{BoardList, Role, UpdateUserRequest};
use leptos::prelude::*;
use uuid::Uuid;

use super::run_then_reload;
use crate::api::{self, ApiError};
use crate::i18n::{fill, use_i18n};

/// Admins see every board; an agent's boards are ticked in a disclosure.
#[component]
pub fn UserBoards(
    user: Uuid,
    name: String,
    role: Role,
    boards: LocalResource<Result<BoardList, ApiError>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if role == Role::Admin {
        return view! { <span class="muted">{i18n.tr(Msg::AllBoards)}</span> }.into_any();
    }
    let shared = move || -> Vec<Uuid> {
        boards.get().and_then(Result::ok).map_or_else(Vec::new, |l| {
            l.items.into_iter().filter(|b| b.member_ids.contains(&user)).map(|b| b.id).collect()
        })
    };
    let toggle = move |board: Uuid| {
        let mut ids = shared();
        match ids.iter().position(|b| *b == board) {
            Some(i) => {
                ids.remove(i);
            }
            None => ids.push(board),
        }
        let change = UpdateUserRequest { board_ids: Some(ids), ..Default::default() };
        run_then_reload(async move { api::users::update(user, &change).await }, move || boards.refetch(), error);
    };
    let checks = move || {
        boards.get().and_then(Result::ok).map(|l| {
            l.items
                .into_iter()
                .map(|b| {
                    let (id, checked) = (b.id, b.member_ids.contains(&user));
                    view! { <label class="check"><input type="checkbox" prop:checked=checked on:change=move |_| toggle(id)/>{b.name}</label> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="user-boards" data-testid="user-boards">
            <summary aria-label=move || format!("{} — {name}", i18n.t(Msg::NavBoards))>
                {move || fill(i18n.t(Msg::BoardsCount), &[("{n}", shared().len())])}
            </summary>
            {checks}
        </details>
    }
    .into_any()
}
