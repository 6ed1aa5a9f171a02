//! A card opened from the board (`?card=<id>`): its fields, saved with `If-Match`; moves and
//! actions; comments; its history.

use domain::i18n::Msg;
use domain::{BoardView, CardView, CommentView, ConvertTarget, Money, UpdateCardRequest, UserList};
use leptos::prelude::*;

use crate::busy::Task;
use crate::components::client_picker::ClientPicker;
use uuid::Uuid;

use super::board::Columns;
use super::history::HistoryPanel;
use crate::api::boards as client;
use crate::api::{ApiError, Edited};
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::toast::use_toasts;

/// What a card's action buttons ask for.
#[derive(Clone)]
enum CardStep {
    Move(Uuid),
    /// `archive`, `unarchive` or `reopen`.
    Act(&'static str),
    Lose(String),
    Convert(ConvertTarget),
}

/// The editable fields, as the form holds them.
#[derive(Clone, Copy)]
struct Form {
    title: RwSignal<String>,
    description: RwSignal<String>,
    amount: RwSignal<String>,
    currency: RwSignal<String>,
    product: RwSignal<String>,
    labels: RwSignal<Vec<Uuid>>,
    members: RwSignal<Vec<Uuid>>,
    values: super::fields::Values,
}

impl Form {
    fn new() -> Form {
        Form {
            title: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            amount: RwSignal::new(String::new()),
            currency: RwSignal::new(domain::money::DEFAULT_CURRENCY.into()),
            product: RwSignal::new(String::new()),
            labels: RwSignal::new(Vec::new()),
            members: RwSignal::new(Vec::new()),
            values: RwSignal::new(Default::default()),
        }
    }

    fn fill(&self, card: &CardView) {
        self.title.set(card.title.clone());
        self.description.set(card.description.clone());
        let lang = crate::i18n::current_lang();
        self.amount.set(card.value.as_ref().map(|v| domain::labels::amount_text(&v.amount, lang)).unwrap_or_default());
        let currency = card.value.as_ref().map(|v| v.currency.clone());
        self.currency.set(currency.unwrap_or_else(|| domain::money::DEFAULT_CURRENCY.into()));
        self.product.set(card.product.clone().unwrap_or_default());
        self.labels.set(card.label_ids.clone());
        self.members.set(card.member_ids.clone());
        self.values.set(card.custom_fields.clone());
    }

    /// The whole form; of the values, those of the board's fields (`keys`). The deal value is
    /// read as the UI language writes numbers; one that is not a number is refused here.
    fn request(&self, keys: &[String]) -> Result<UpdateCardRequest, ApiError> {
        let typed = self.amount.get_untracked();
        let amount = match typed.trim() {
            "" => None,
            text => Some(crate::components::money::amount_or_error(text, "value")?),
        };
        let product = self.product.get_untracked();
        Ok(UpdateCardRequest {
            title: Some(self.title.get_untracked()),
            description: Some(self.description.get_untracked()),
            contact_id: None,
            value: Some(amount.map(|amount| Money { amount, currency: self.currency.get_untracked() })),
            product: Some((!product.trim().is_empty()).then_some(product)),
            label_ids: Some(self.labels.get_untracked()),
            member_ids: Some(self.members.get_untracked()),
            custom_fields: Some(self.values.get_untracked().into_iter().filter(|(k, _)| keys.contains(k)).collect()),
        })
    }
}

/// A checkbox per label of the board, ticking `chosen` (a card's labels, the base card's).
pub fn label_checks(labels: &[domain::LabelView], chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
    labels
        .iter()
        .map(|l| {
            let id = l.id;
            view! {
                <label class="check"><input type="checkbox" prop:checked=move || chosen.with(|s| s.contains(&id))
                    on:change=move |_| toggle(chosen, id)/>
                    <span class="label-chip" style=format!("--label-colour: {}", l.colour)>{l.name.clone()}</span></label>
            }
        })
        .collect_view()
}

/// A checkbox per user of the account, ticking `chosen` (a card's members, the base card's).
pub fn user_checks(
    users: LocalResource<Result<UserList, ApiError>>,
    chosen: RwSignal<Vec<Uuid>>,
) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        users.get().and_then(Result::ok).map(|l| {
            l.items
                .into_iter()
                .map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check"><input type="checkbox" prop:checked=move || chosen.with(|m| m.contains(&id))
                            on:change=move |_| toggle(chosen, id)/>{u.name}</label>
                    }
                })
                .collect_view()
                .into_any()
        })
    }
}

pub fn toggle(list: RwSignal<Vec<Uuid>>, id: Uuid) {
    list.update(|l| {
        if let Some(i) = l.iter().position(|x| *x == id) {
            l.remove(i);
        } else {
            l.push(id);
        }
    });
}

#[component]
pub fn CardDialog(
    card_id: Uuid,
    board: BoardView,
    users: LocalResource<Result<UserList, ApiError>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let columns = expect_context::<Columns>();
    let card = RwSignal::new(None::<CardView>);
    let form = Form::new();
    let error = RwSignal::new(None::<ApiError>);
    let stale_note = RwSignal::new(false);
    let comments = RwSignal::new(Vec::<CommentView>::new());
    let history_key = RwSignal::new(0u32);
    let show = move |c: CardView| {
        form.fill(&c);
        card.set(Some(c));
        history_key.update(|k| *k += 1);
    };
    let loaded =
        crate::busy::load(move || async move { (client::card(card_id).await, client::comments(card_id).await) });
    Effect::new(move || {
        let Some((read, listed)) = loaded.get() else { return };
        match read {
            Ok(c) => show(c),
            Err(e) => error.set(Some(e)),
        }
        if let Ok(list) = listed {
            comments.set(list.items);
        }
    });
    let changed = move |c: CardView| {
        show(c);
        error.set(None);
        columns.reload.try_run(());
    };

    let field_keys = StoredValue::new(board.fields.iter().map(|f| f.key.clone()).collect::<Vec<String>>());
    let board_fields = board.fields.clone();
    let saving = Task::new(move |(current, req): &(CardView, UpdateCardRequest)| {
        let (current, req) = (current.clone(), req.clone());
        async move {
            match client::update_card(&current, &req).await {
                Ok(Edited::Saved(c)) => {
                    stale_note.set(false);
                    toasts.show(i18n.t(Msg::Saved).to_string(), None);
                    changed(c);
                }
                Ok(Edited::Stale(c)) => {
                    stale_note.set(true);
                    changed(c);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = card.get_untracked() else { return };
        match field_keys.with_value(|keys| form.request(keys)) {
            Ok(req) => {
                saving.dispatch((current, req));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    // The card's buttons (move, archive, lose, convert…): one step at a time, each waits.
    let stepping = Task::new(move |step: &CardStep| {
        let step = step.clone();
        async move {
            let done = match step {
                CardStep::Move(stage) => client::move_card(card_id, stage, None).await,
                CardStep::Act(verb) => client::act(card_id, verb).await,
                CardStep::Lose(reason) => client::lose(card_id, &reason).await,
                CardStep::Convert(target) => client::convert(card_id, target).await,
            };
            match done {
                Ok(c) => changed(c),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let run = move |step: CardStep| {
        stepping.dispatch(step);
    };
    let busy = move || stepping.pending().get() || saving.pending().get();
    // Links the card to a client found by search, or unlinks it (`None`).
    let relink = move |to: Option<Uuid>| {
        let Some(current) = card.get_untracked() else { return };
        saving.dispatch((current, UpdateCardRequest { contact_id: Some(to), ..Default::default() }));
    };
    let move_to = move |ev: leptos::ev::Event| {
        let Ok(stage) = event_target_value(&ev).parse::<Uuid>() else { return };
        run(CardStep::Move(stage));
    };
    let reason = RwSignal::new(String::new());
    let delete_contact = RwSignal::new(false);
    let deleting = Task::new(move |with_contact: &bool| {
        let with_contact = *with_contact;
        async move {
            match client::delete_card(card_id, with_contact).await {
                Ok(()) => {
                    columns.reload.try_run(());
                    on_close.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let delete = move |_| {
        let confirmed =
            web_sys::window().and_then(|w| w.confirm_with_message(i18n.t(Msg::ConfirmDelete)).ok()).unwrap_or(false);
        if !confirmed {
            return;
        }
        deleting.dispatch(delete_contact.get_untracked());
    };
    let comment = RwSignal::new(String::new());
    let comment_error = RwSignal::new(None::<ApiError>);
    let commenting = Task::new(move |body: &String| {
        let body = body.clone();
        async move {
            match client::add_comment(card_id, body).await {
                Ok(c) => {
                    comments.update(|all| all.push(c));
                    comment.set(String::new());
                    comment_error.set(None);
                    history_key.update(|k| *k += 1);
                }
                Err(e) => comment_error.set(Some(e)),
            }
        }
    });
    let add_comment = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        commenting.dispatch(comment.get_untracked());
    };

    let stages = board.stages.clone();
    let stage_pairs: Vec<(Uuid, String)> = board.stages.iter().map(|s| (s.id, s.name.clone())).collect();
    let labels = board.labels.clone();
    let board_id = board.id;
    let user_checks = user_checks(users, form.members);
    let body = move || {
        card.get().map(|c| {
            let stage_options = stages
                .iter()
                .map(|s| view! { <option value=s.id.to_string() selected=s.id == c.stage_id>{s.name.clone()}</option> })
                .collect_view();
            let no_labels = labels.is_empty();
            let label_checks = label_checks(&labels, form.labels);
            let contact = c.contact.clone();
            let has_contact = contact.is_some();
            let (lost, archived) = (c.lost_at.is_some(), c.archived_at.is_some());
            let (to_client, to_service) = (c.converted_to_client_at.is_none(), c.converted_to_service_at.is_none());
            view! {
                <div class="card-dialog-body">
                    <form class="card-form" data-testid="card-form" on:submit=save>
                        <label>{i18n.tr(Msg::CardTitle)}<input name="title" required maxlength="200" bind:value=form.title/></label>
                        {field_error(error, "title")}
                        <label>{i18n.tr(Msg::Description)}<textarea name="description" rows="4" maxlength="10000" bind:value=form.description></textarea></label>
                        <div class="row">
                            <label>{i18n.tr(Msg::DealValue)}<input name="amount" inputmode="decimal" placeholder=move || domain::labels::amount_text("0.00", i18n.lang.get()) bind:value=form.amount/></label>
                            <label>{i18n.tr(Msg::Currency)}<select name="currency" bind:value=form.currency>{crate::components::money::currency_options(form.currency)}</select></label>
                        </div>
                        {field_error(error, "value")}
                        <label>{i18n.tr(Msg::Product)}<input name="product" maxlength="200" bind:value=form.product/></label>
                        <fieldset><legend>{i18n.tr(Msg::BoardLabels)}</legend>{label_checks}{no_labels.then_some(view! { <span class="muted">"—"</span> })}</fieldset>
                        <fieldset><legend>{i18n.tr(Msg::Members)}</legend>{user_checks}</fieldset>
                        {(!board_fields.is_empty()).then(|| view! { <super::fields::FieldValues fields=board_fields.clone() values=form.values users=users error=error/> })}
                        <button type="submit" disabled=busy>{i18n.tr(Msg::Save)}</button>
                    </form>
                    <aside class="card-side">
                        <p data-testid="card-contact"><strong>{i18n.tr(Msg::Contact)}": "</strong>
                            {match contact {
                                Some(ct) => view! {
                                    <a href=format!("/clients/{}", ct.id)>{ct.name.or(ct.email).or(ct.phone).unwrap_or_else(|| "—".into())}</a>
                                    " "<button type="button" class="link" disabled=busy on:click=move |_| relink(None)>{i18n.tr(Msg::UnlinkClient)}</button>
                                }.into_any(),
                                None => view! { <span class="muted">{i18n.tr(Msg::NoContact)}</span> }.into_any(),
                            }}
                        </p>
                        {(!has_contact).then(|| view! {
                            <ClientPicker label=Msg::LinkClient on_pick=Callback::new(move |c: domain::ContactSummary| relink(Some(c.id)))/>
                        })}
                        <label>{i18n.tr(Msg::MoveTo)}<select name="stage" data-testid="move-to" on:change=move_to>{stage_options}</select></label>
                        <h3>{i18n.tr(Msg::Actions)}</h3>
                        <div class="actions">
                            {if archived {
                                view! { <button class="secondary" disabled=busy on:click=move |_| run(CardStep::Act("unarchive"))>{i18n.tr(Msg::Unarchive)}</button> }.into_any()
                            } else {
                                view! { <button class="secondary" disabled=busy on:click=move |_| run(CardStep::Act("archive"))>{i18n.tr(Msg::Archive)}</button> }.into_any()
                            }}
                            {if lost {
                                view! { <button class="secondary" disabled=busy on:click=move |_| run(CardStep::Act("reopen"))>{i18n.tr(Msg::Reopen)}</button> }.into_any()
                            } else {
                                view! {
                                    <form class="inline" data-testid="lose-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        run(CardStep::Lose(reason.get_untracked()));
                                    }>
                                        <input name="reason" maxlength="500" placeholder=i18n.tr(Msg::LostReason)
                                            aria-label=i18n.tr(Msg::LostReason) bind:value=reason/>
                                        <button type="submit" class="secondary" disabled=busy>{i18n.tr(Msg::MarkLost)}</button>
                                    </form>
                                }.into_any()
                            }}
                            {(has_contact && to_client).then(|| view! {
                                <button class="secondary" disabled=busy on:click=move |_| run(CardStep::Convert(ConvertTarget::Client))>{i18n.tr(Msg::ConvertToClient)}</button>
                            })}
                            {(has_contact && to_service).then(|| view! {
                                <button class="secondary" disabled=busy on:click=move |_| run(CardStep::Convert(ConvertTarget::Service))>{i18n.tr(Msg::ConvertToService)}</button>
                            })}
                        </div>
                        <div class="delete-card">
                            {has_contact.then(|| view! {
                                <label class="check"><input type="checkbox" bind:checked=delete_contact/>{i18n.tr(Msg::AlsoDeleteContact)}</label>
                            })}
                            <button class="link danger" disabled=deleting.pending() on:click=delete>{i18n.tr(Msg::DeleteCard)}</button>
                        </div>
                    </aside>
                </div>
            }
        })
    };
    let status = move || {
        card.get().map(|c| {
            view! {
                <p class="card-status">
                    {c.lost_at.is_some().then(|| view! { <span class="badge lost">{i18n.tr(Msg::LostBadge)}{c.lost_reason.clone().map(|r| format!(": {r}"))}</span> })}
                    {c.archived_at.is_some().then(|| view! { <span class="badge">{i18n.tr(Msg::ArchivedBadge)}</span> })}
                    {c.converted_to_client_at.is_some().then(|| view! { <span class="badge won">{i18n.tr(Msg::ConvertedClient)}</span> })}
                    {c.converted_to_service_at.is_some().then(|| view! { <span class="badge won">{i18n.tr(Msg::ConvertedService)}</span> })}
                    {c.stale.then(|| view! { <span class="badge stale">{i18n.tr(Msg::StaleBadge)}</span> })}
                </p>
            }
        })
    };
    // A modal: the keyboard stays inside (Escape closes it even when focus fell to the page
    // body), the heading takes focus on opening and the card's tile gets it back on closing.
    let dialog = NodeRef::<leptos::html::Section>::new();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| match ev.key().as_str() {
        "Escape" => on_close.run(()),
        "Tab" => {
            if let Some(dialog) = dialog.get_untracked() {
                crate::focus::keep_tab_inside(&ev, &dialog);
            }
        }
        _ => {}
    });
    on_cleanup(move || {
        keys.remove();
        crate::focus::return_focus_to(format!("card-{card_id}"));
    });
    Effect::new(move |_| {
        if dialog.get().is_some() {
            crate::focus::focus_by_id("card-dialog-title");
        }
    });
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_close.run(())></div>
        <section class="card-dialog panel" role="dialog" aria-modal="true" aria-labelledby="card-dialog-title" data-testid="card-dialog"
            node_ref=dialog>
            <header class="dialog-head">
                <h2 id="card-dialog-title" tabindex="-1">{move || card.get().map(|c| c.title).unwrap_or_else(|| i18n.t(Msg::Loading).to_string())}</h2>
                <button class="link" on:click=move |_| on_close.run(())>{i18n.tr(Msg::Close)}</button>
            </header>
            {status}
            <Show when=move || stale_note.get()>
                <p role="alert" class="notice">{i18n.tr(Msg::CardChanged)}</p>
            </Show>
            {form_error(error)}
            {body}
            <super::checklist::Checklist card_id=card_id on_changed=Callback::new(move |_| history_key.update(|k| *k += 1))/>
            <crate::pages::tasks::TaskPanel link=crate::pages::tasks::TaskLink::Card(card_id)/>
            <crate::components::attachments::Attachments files=crate::api::boards::card_files(card_id) on_changed=Callback::new(move |_| history_key.update(|k| *k += 1))/>
            <super::related::RelatedCards card_id=card_id on_changed=Callback::new(move |_| history_key.update(|k| *k += 1))/>
            <section class="comments" aria-labelledby="comments-title">
                <h3 id="comments-title">{i18n.tr(Msg::Comments)}</h3>
                <ul class="comment-list" data-testid="comments">
                    {move || comments.get().into_iter().map(|c| view! {
                        <li><strong>{c.author_label}</strong>" "<span class="muted">{crate::pages::clients::short(c.created_at)}</span><p>{c.body}</p></li>
                    }).collect_view()}
                </ul>
                <form class="comment-form" on:submit=add_comment>
                    <textarea name="comment" rows="2" required maxlength="5000" aria-label=i18n.tr(Msg::WriteComment)
                        placeholder=i18n.tr(Msg::WriteComment) bind:value=comment></textarea>
                    <button type="submit" class="secondary" disabled=commenting.pending()>{i18n.tr(Msg::AddComment)}</button>
                    {form_error(comment_error)}
                </form>
            </section>
            {move || { history_key.track(); view! { <HistoryPanel board_id=board_id stages=stage_pairs.clone() card_id=Some(card_id) users=users on_close=Callback::new(|_| ())/> } }}
        </section>
    }
}
