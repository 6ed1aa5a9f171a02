//! Tasks: "My tasks" (overdue, today, upcoming, no due date, done) and the task list of a
//! contact or card, shared by the client card and the card dialog.

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use domain::i18n::Msg;
use domain::{bucket, CreateTaskRequest, TaskBucket, TaskView, UpdateTaskRequest, UserList};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::clients::short;
use crate::pages::{field_error, form_error};

/// What a task list is about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TaskLink {
    Contact(Uuid),
    Card(Uuid),
}

impl TaskLink {
    fn query(self) -> String {
        match self {
            TaskLink::Contact(id) => format!("contact_id={id}&state=any"),
            TaskLink::Card(id) => format!("card_id={id}&state=any"),
        }
    }
}

/// A `datetime-local` input's value, in the browser's time zone.
fn due_from_input(value: &str) -> Option<DateTime<Utc>> {
    // `2026-12-03T14:30`, the input's format; seconds may follow when the browser adds them.
    let (day, time) = value.split_once('T')?;
    let mut hm = time.split(':').map(|p| p.parse::<u32>().ok());
    let naive = day.parse::<NaiveDate>().ok()?.and_hms_opt(hm.next()??, hm.next()??, 0)?;
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// The end of today in the browser's time zone.
fn end_of_today() -> DateTime<Utc> {
    let tomorrow = Local::now().date_naive().succ_opt().unwrap_or_default();
    Local
        .from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

async fn set_done(id: Uuid, done: bool) -> Result<TaskView, ApiError> {
    api::tasks::update(id, &UpdateTaskRequest { done: Some(done), ..Default::default() }).await
}

/// One task: a done box, the title, when it is due, and what it is about.
#[component]
fn TaskRow(task: TaskView, on_changed: Callback<()>, #[prop(optional)] show_subject: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (id, done) = (task.id, task.done);
    let toggling = Task::new(move |_: &()| async move {
        let _ = set_done(id, !done).await;
        on_changed.try_run(());
    });
    let toggle = move |_| {
        toggling.dispatch(());
    };
    let link = match (task.board_id, task.card_id, task.contact_id, task.conversation_id) {
        (Some(board), Some(card), _, _) => Some(format!("/boards/{board}?card={card}")),
        (_, _, Some(contact), _) => Some(format!("/clients/{contact}")),
        (_, _, _, Some(conversation)) => Some(format!("/conversations/{conversation}")),
        _ => None,
    };
    let overdue = !done && task.due_at.is_some_and(|d| d < Utc::now());
    let label_title = task.title.clone();
    view! {
        <li class="task" class:done=done data-task=task.title.clone()>
            <label class="check">
                <input type="checkbox" prop:checked=done disabled=toggling.pending() on:change=toggle aria-label=move || format!("{}: {}", i18n.t(Msg::MarkDone), label_title)/>
                <span class="task-title">{task.title.clone()}</span>
            </label>
            {task.due_at.map(|d| view! { <span class="muted task-due" class:overdue=overdue>{short(d)}</span> })}
            {(show_subject).then(|| match (link, task.subject.clone()) {
                (Some(href), Some(subject)) => view! { <a class="task-subject" href=href>{subject}</a> }.into_any(),
                _ => ().into_any(),
            })}
        </li>
    }
}

/// A small form: title, due time, and (on My tasks) the assignee.
#[component]
fn NewTaskForm(
    link: Option<TaskLink>,
    on_created: Callback<()>,
    #[prop(optional)] users: Option<LocalResource<Result<UserList, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let creating = Task::new(move |req: &CreateTaskRequest| {
        let req = req.clone();
        async move {
            match api::tasks::create(&req).await {
                Ok(_) => {
                    title.set(String::new());
                    due.set(String::new());
                    error.set(None);
                    on_created.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateTaskRequest {
            title: title.get_untracked(),
            due_at: due_from_input(&due.get_untracked()),
            assignee_id: assignee.get_untracked().parse().ok(),
            contact_id: match link {
                Some(TaskLink::Contact(id)) => Some(id),
                _ => None,
            },
            card_id: match link {
                Some(TaskLink::Card(id)) => Some(id),
                _ => None,
            },
            ..Default::default()
        };
        creating.dispatch(req);
    };
    view! {
        <form class="inline task-form" data-testid="new-task" on:submit=submit>
            <input name="task_title" required maxlength="200" placeholder=i18n.tr(Msg::TaskTitle)
                aria-label=i18n.tr(Msg::TaskTitle) bind:value=title/>
            <input name="due_at" type="datetime-local" aria-label=i18n.tr(Msg::DueAt) bind:value=due/>
            {users.map(|users| view! {
                <select name="assignee" aria-label=i18n.tr(Msg::Assignee) bind:value=assignee>
                    <option value="">{move || session.current().map(|u| u.name).unwrap_or_default()}</option>
                    {move || users.get().and_then(Result::ok).map(|l| l.items.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view())}
                </select>
            })}
            <button type="submit" class="secondary" disabled=creating.pending()>{i18n.tr(Msg::AddTask)}</button>
            {field_error(error, "title")}
            {form_error(error)}
        </form>
    }
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let all = RwSignal::new(false);
    let users = crate::busy::load(api::users::list);
    let open = crate::busy::load(move || {
        let scope = if all.get() { "all" } else { "mine" };
        async move { api::tasks::list(&format!("scope={scope}")).await }
    });
    let done = crate::busy::load(move || {
        let scope = if all.get() { "all" } else { "mine" };
        async move { api::tasks::list(&format!("scope={scope}&state=done")).await }
    });
    let reload = Callback::new(move |_| {
        open.refetch();
        done.refetch();
    });
    let section = move |which: TaskBucket, title: Msg| {
        move || {
            let (now, end) = (Utc::now(), end_of_today());
            let source = if which == TaskBucket::Done { done.get() } else { open.get() };
            let tasks: Vec<TaskView> = source
                .and_then(Result::ok)
                .map(|l| l.items.into_iter().filter(|t| bucket(t, now, end) == which).take(50).collect())
                .unwrap_or_default();
            (!tasks.is_empty()).then(|| {
                let testid = format!("tasks-{which:?}").to_lowercase();
                view! {
                    <section class="panel task-section" data-testid=testid>
                        <h2>{i18n.tr(title)}" "<span class="count">{tasks.len()}</span></h2>
                        <ul class="task-list">
                            {tasks.into_iter().map(|t| view! { <TaskRow task=t on_changed=reload show_subject=true/> }).collect_view()}
                        </ul>
                    </section>
                }
            })
        }
    };
    let empty = move || {
        open.get().and_then(Result::ok).is_some_and(|l| l.items.is_empty())
            && done.get().and_then(Result::ok).is_some_and(|l| l.items.is_empty())
    };
    view! {
        <div class="clients-head">
            <h1>{move || i18n.t(if all.get() { Msg::AllTasks } else { Msg::TasksTitle })}</h1>
            <span class="spacer"></span>
            <button class="secondary" aria-pressed=move || all.get().to_string() on:click=move |_| all.update(|a| *a = !*a)>
                {move || i18n.t(if all.get() { Msg::TasksTitle } else { Msg::AllTasks })}
            </button>
        </div>
        <section class="panel">
            <h2>{i18n.tr(Msg::NewTask)}</h2>
            <NewTaskForm link=None on_created=reload users=users/>
        </section>
        <Show when=empty>
            <p class="muted">{i18n.tr(Msg::NoTasks)}</p>
        </Show>
        {section(TaskBucket::Overdue, Msg::Overdue)}
        {section(TaskBucket::Today, Msg::Today)}
        {section(TaskBucket::Upcoming, Msg::Upcoming)}
        {section(TaskBucket::NoDueDate, Msg::NoDueDate)}
        {section(TaskBucket::Done, Msg::DoneRecently)}
    }
}

/// The tasks of a contact or a card, with a form to add one.
#[component]
pub fn TaskPanel(link: TaskLink) -> impl IntoView {
    let i18n = use_i18n();
    let tasks = crate::busy::load(move || async move { api::tasks::list(&link.query()).await });
    let reload = Callback::new(move |_| tasks.refetch());
    view! {
        <section class="task-panel" data-testid="task-panel">
            <h3>{i18n.tr(Msg::Tasks)}</h3>
            <ul class="task-list">
                {move || tasks.get().and_then(Result::ok).map(|l| l.items.into_iter().map(|t| view! { <TaskRow task=t on_changed=reload/> }).collect_view())}
            </ul>
            <NewTaskForm link=Some(link) on_created=reload/>
        </section>
    }
}
