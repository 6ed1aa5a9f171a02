//! Admin settings of a board's base card: what every new card starts from (description,
//! labels, members, field defaults, checklist, comments) and its files.

use domain::i18n::Msg;
use domain::{BaseCard, BaseComment, BoardView, UserList};
use leptos::prelude::*;
use serde_json::Map;
use uuid::Uuid;

use super::fields::{FieldValues, Values};
use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;
use crate::toast::use_toasts;

/// Admin settings: what every new card starts from.
#[component]
pub fn BaseCardSettings(board: BoardView, users: LocalResource<Result<UserList, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let board_id = board.id;
    let description = RwSignal::new(String::new());
    let labels = RwSignal::new(Vec::<Uuid>::new());
    let members = RwSignal::new(Vec::<Uuid>::new());
    let values: Values = RwSignal::new(Map::new());
    let checklist = RwSignal::new(String::new());
    let comments = RwSignal::new(Vec::<BaseComment>::new());
    let new_comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let base = crate::busy::load(move || client::base_card(board_id));
    Effect::new(move || match base.get() {
        Some(Ok(base)) => {
            description.set(base.description);
            labels.set(base.label_ids);
            members.set(base.member_ids);
            values.set(base.custom_fields);
            checklist.set(base.checklist.join("\n"));
            comments.set(base.comments);
            loaded.set(true);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saving = Task::new(move |base: &BaseCard| {
        let base = base.clone();
        async move {
            match client::save_base_card(board_id, &base).await {
                Ok(saved) => {
                    comments.set(saved.comments);
                    error.set(None);
                    toasts.show(i18n.t(Msg::Saved).to_string(), None);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let base = BaseCard {
            description: description.get_untracked(),
            label_ids: labels.get_untracked(),
            member_ids: members.get_untracked(),
            custom_fields: values.get_untracked().into_iter().filter(|(_, v)| !v.is_null()).collect(),
            checklist: checklist
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            comments: comments.get_untracked(),
        };
        saving.dispatch(base);
    };
    let label_checks = super::card::label_checks(&board.labels, labels);
    let user_checks = super::card::user_checks(users, members);
    let fields = board.fields.clone();
    let add_comment = move |_| {
        let body = new_comment.get_untracked().trim().to_string();
        if !body.is_empty() {
            comments.update(|c| c.push(BaseComment { body, ..Default::default() }));
            new_comment.set(String::new());
        }
    };
    let comment_rows = move || {
        comments
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let body = c.body.clone();
                view! {
                    <li>
                        {c.author_label.map(|a| view! { <strong>{a}": "</strong> })}
                        <span class="pre-wrap">{c.body}</span>" "
                        <button type="button" class="link danger" aria-label=move || format!("{} {}", i18n.t(Msg::Delete), body)
                            on:click=move |_| comments.update(|c| { c.remove(i); })>{i18n.tr(Msg::Delete)}</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <form class="base-card" data-testid="base-card" on:submit=save>
            <h3>{i18n.tr(Msg::BaseCard)}</h3>
            <p class="muted">{i18n.tr(Msg::BaseCardHint)}</p>
            // Nothing to type into before the saved base card is in: it would overwrite it.
            <fieldset class="plain" disabled=move || !loaded.get()>
            <label>{i18n.tr(Msg::Description)}<textarea name="base_description" rows="3" maxlength="10000" bind:value=description></textarea></label>
            <fieldset><legend>{i18n.tr(Msg::BoardLabels)}</legend>{label_checks}</fieldset>
            <fieldset><legend>{i18n.tr(Msg::Members)}</legend>{user_checks}</fieldset>
            <Show when=move || loaded.get()>
                <FieldValues fields=fields.clone() values=values users=users error=error/>
            </Show>
            <label>{i18n.tr(Msg::ChecklistLines)}<textarea name="base_checklist" rows="3" bind:value=checklist></textarea></label>
            {crate::pages::field_error(error, "checklist")}
            <fieldset data-testid="base-comments">
                <legend>{i18n.tr(Msg::Comments)}</legend>
                <ul class="comment-list">{comment_rows}</ul>
                <label>{i18n.tr(Msg::WriteComment)}<textarea name="base_comment" rows="2" maxlength="5000" bind:value=new_comment></textarea></label>
                <button type="button" class="secondary" on:click=add_comment>{i18n.tr(Msg::AddComment)}</button>
                <p class="muted">{i18n.tr(Msg::BaseCardSaveHint)}</p>
            </fieldset>
            {crate::pages::field_error(error, "comments")}
            {form_error(error)}
            <button type="submit" class="secondary" disabled=saving.pending()>{i18n.tr(Msg::Save)}</button>
            </fieldset>
        </form>
        <div class="base-card-files" data-testid="base-files">
            <crate::components::attachments::Attachments files=crate::api::boards::base_card_files(board_id) on_changed=Callback::new(|_| ())/>
        </div>
    }
}
