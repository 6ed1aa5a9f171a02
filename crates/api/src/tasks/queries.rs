//! Task rows: what a caller sees (`visible`), locked for an edit in the lock order, and the
//! labels of what each task is linked to.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Uuid as SqlUuid};
use domain::events::{EventData, EventKind};
use domain::task_rules::{check_one_link, task_edit, TaskSnapshot};
use domain::webhooks::TaskEvent;
use domain::{CreateTaskRequest, TaskQuery, TaskScope, TaskState, TaskView, UpdateTaskRequest};
use uuid::Uuid;

use crate::platform::db::schema::{cards, contacts, conversations, tasks, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;
use crate::platform::webhooks;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tasks)]
pub struct TaskRow {
    id: Uuid,
    title: String,
    description: String,
    due_at: Option<DateTime<Utc>>,
    assignee_id: Option<Uuid>,
    done_at: Option<DateTime<Utc>>,
    contact_id: Option<Uuid>,
    card_id: Option<Uuid>,
    conversation_id: Option<Uuid>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// The account's tasks the caller may see.
fn visible(caller: &AuthUser) -> tasks::BoxedQuery<'static, Pg> {
    let q = tasks::table.filter(tasks::account_id.eq(caller.account_id)).into_boxed();
    if caller.is_admin() {
        return q;
    }
    let me = caller.user_id;
    q.filter(
        sql::<Bool>("(tasks.assignee_id = ")
            .bind::<SqlUuid, _>(me)
            .sql(" OR tasks.created_by = ")
            .bind::<SqlUuid, _>(me)
            .sql(
                " OR EXISTS (SELECT 1 FROM cards c JOIN board_members m ON m.board_id = c.board_id \
                 WHERE c.id = tasks.card_id AND m.user_id = ",
            )
            .bind::<SqlUuid, _>(me)
            .sql(") OR EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = tasks.contact_id AND ct.assignee_id = ")
            .bind::<SqlUuid, _>(me)
            .sql("))"),
    )
}

fn views(conn: &mut PgConnection, rows: Vec<TaskRow>) -> ApiResult<Vec<TaskView>> {
    let contact_ids: Vec<Uuid> = rows.iter().filter_map(|t| t.contact_id).collect();
    let card_ids: Vec<Uuid> = rows.iter().filter_map(|t| t.card_id).collect();
    let conversation_ids: Vec<Uuid> = rows.iter().filter_map(|t| t.conversation_id).collect();
    let label = |name: Option<String>, email: Option<String>, phone: Option<String>| {
        domain::text::contact_label(&name, &email, &phone)
    };
    let contacts: HashMap<Uuid, Option<String>> = contacts::table
        .filter(contacts::id.eq_any(&contact_ids))
        .select((contacts::id, contacts::name, contacts::email, contacts::phone))
        .load::<(Uuid, Option<String>, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, n, e, p)| (id, label(n, e, p)))
        .collect();
    let cards: HashMap<Uuid, (Uuid, String)> = cards::table
        .filter(cards::id.eq_any(&card_ids))
        .select((cards::id, cards::board_id, cards::title))
        .load::<(Uuid, Uuid, String)>(conn)?
        .into_iter()
        .map(|(id, board, title)| (id, (board, title)))
        .collect();
    let conversations: HashMap<Uuid, Option<String>> = conversations::table
        .inner_join(contacts::table)
        .filter(conversations::id.eq_any(&conversation_ids))
        .select((conversations::id, contacts::name, contacts::email, contacts::phone))
        .load::<(Uuid, Option<String>, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, n, e, p)| (id, label(n, e, p)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|t| {
            let card = t.card_id.and_then(|c| cards.get(&c));
            let subject = match (t.contact_id, card, t.conversation_id) {
                (Some(c), _, _) => contacts.get(&c).cloned().flatten(),
                (_, Some((_, title)), _) => Some(title.clone()),
                (_, _, Some(c)) => conversations.get(&c).cloned().flatten(),
                _ => None,
            };
            TaskView {
                id: t.id,
                title: t.title,
                description: t.description,
                due_at: t.due_at,
                assignee_id: t.assignee_id,
                done: t.done_at.is_some(),
                done_at: t.done_at,
                contact_id: t.contact_id,
                board_id: card.map(|(board, _)| *board),
                card_id: t.card_id,
                conversation_id: t.conversation_id,
                subject,
                created_by: t.created_by,
                created_at: t.created_at,
                updated_at: t.updated_at,
            }
        })
        .collect())
}

/// The columns an edit may change; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tasks)]
struct TaskPatch {
    title: Option<String>,
    description: Option<String>,
    due_at: Option<Option<DateTime<Utc>>>,
    due_notified_at: Option<Option<DateTime<Utc>>>,
    assignee_id: Option<Option<Uuid>>,
    done_at: Option<Option<DateTime<Utc>>>,
    updated_at: DateTime<Utc>,
}

/// The task, locked for an edit (404 unless visible). The visibility check reads other tables;
/// the row itself is locked separately, after its card and contact (docs/API.md's lock order:
/// cards, contacts, tasks, then events): the edit's writes check those links (a notification
/// names the contact), and a delete of the card or contact that holds them goes first.
fn task_for(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<TaskRow> {
    let (card, contact): (Option<Uuid>, Option<Uuid>) =
        visible(caller).filter(tasks::id.eq(id)).select((tasks::card_id, tasks::contact_id)).first(conn)?;
    if let Some(card) = card {
        cards::table.find(card).select(cards::id).for_key_share().first::<Uuid>(conn).optional()?;
    }
    if let Some(contact) = contact {
        contacts::table.find(contact).select(contacts::id).for_key_share().first::<Uuid>(conn).optional()?;
    }
    Ok(tasks::table.find(id).select(TaskRow::as_select()).for_update().first(conn)?)
}

fn check_assignee(conn: &mut PgConnection, account_id: Uuid, user: Uuid) -> ApiResult<()> {
    let found: i64 = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq(user))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(ApiError::field("assignee_id", "unknown", "is not an active user of this account"));
    }
    Ok(())
}

/// 422 naming the field unless the linked contact, card or conversation is one the caller sees.
fn check_link(conn: &mut PgConnection, caller: &AuthUser, req: &CreateTaskRequest) -> ApiResult<()> {
    check_one_link(req)?;
    if let Some(id) = req.contact_id {
        crate::contacts::queries::get(conn, caller, id)
            .map_err(|_| ApiError::field("contact_id", "unknown", "is not a contact you can see"))?;
    }
    if let Some(id) = req.card_id {
        crate::cards::queries::card_for(conn, caller, id, false)
            .map_err(|_| ApiError::field("card_id", "unknown", "is not a card you can see"))?;
    }
    if let Some(id) = req.conversation_id {
        crate::conversations::queries::visible(caller)
            .filter(conversations::id.eq(id))
            .select(conversations::id)
            .first::<Uuid>(conn)
            .map_err(|_| ApiError::field("conversation_id", "unknown", "is not a conversation you can see"))?;
    }
    Ok(())
}

/// The tasks the caller sees under `query` (at most 500), in its state's order.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, query: &TaskQuery) -> ApiResult<Vec<TaskView>> {
    let mut q = visible(caller);
    let linked = query.contact_id.is_some() || query.card_id.is_some() || query.conversation_id.is_some();
    if query.scope.unwrap_or_default() == TaskScope::Mine && !linked {
        q = q.filter(tasks::assignee_id.eq(caller.user_id));
    }
    if let Some(id) = query.contact_id {
        q = q.filter(tasks::contact_id.eq(id));
    }
    if let Some(id) = query.card_id {
        q = q.filter(tasks::card_id.eq(id));
    }
    if let Some(id) = query.conversation_id {
        q = q.filter(tasks::conversation_id.eq(id));
    }
    q = match query.state.unwrap_or_default() {
        TaskState::Open => {
            q.filter(tasks::done_at.is_null()).order((tasks::due_at.asc().nulls_last(), tasks::created_at))
        }
        TaskState::Done => q.filter(tasks::done_at.is_not_null()).order(tasks::done_at.desc()),
        TaskState::Any => {
            q.order((tasks::done_at.desc().nulls_first(), tasks::due_at.asc().nulls_last(), tasks::created_at))
        }
    };
    let rows = q.limit(500).select(TaskRow::as_select()).load(conn)?;
    views(conn, rows)
}

/// Adds a task (assigned to the caller unless the request names another active user, who
/// is notified), linked to at most one thing the caller sees.
pub fn create(conn: &mut PgConnection, caller: &AuthUser, req: CreateTaskRequest) -> ApiResult<TaskView> {
    check_link(conn, caller, &req)?;
    let assignee = match (req.assignee_id, caller.person_id()) {
        (Some(user), _) => user,
        (None, Some(me)) => me,
        (None, None) => {
            return Err(ApiError::field("assignee_id", "required", "is required when an API key creates a task"))
        }
    };
    check_assignee(conn, caller.account_id, assignee)?;
    let id = Uuid::new_v4();
    let title = req.title.trim().to_string();
    diesel::insert_into(tasks::table)
        .values((
            tasks::id.eq(id),
            tasks::account_id.eq(caller.account_id),
            tasks::title.eq(&title),
            tasks::description.eq(req.description.as_deref().map(str::trim).unwrap_or("")),
            tasks::due_at.eq(req.due_at),
            tasks::assignee_id.eq(assignee),
            tasks::contact_id.eq(req.contact_id),
            tasks::card_id.eq(req.card_id),
            tasks::conversation_id.eq(req.conversation_id),
            tasks::created_by.eq(caller.person_id()),
        ))
        .execute(conn)?;
    if assignee != caller.user_id {
        crate::notifications::notify(conn, caller.account_id, assignee, "task_assigned", &title, req.contact_id)?;
    }
    let row = tasks::table.find(id).select(TaskRow::as_select()).first(conn)?;
    let view = views(conn, vec![row])?.pop().ok_or(ApiError::NotFound)?;
    webhooks::publish(conn, caller.account_id, &EventData::TaskCreated(TaskEvent { task: view.clone() }))?;
    Ok(view)
}

/// Applies `req` to task `id` (`domain::task_rules::task_edit`), notifying a new assignee.
pub fn update(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, req: UpdateTaskRequest) -> ApiResult<TaskView> {
    let old = task_for(conn, caller, id)?;
    let state = TaskSnapshot { due_at: old.due_at, assignee_id: old.assignee_id, done_at: old.done_at };
    let now = Utc::now();
    let edit = task_edit(&state, &req, now);
    if let Some(Some(user)) = edit.assignee_id {
        check_assignee(conn, caller.account_id, user)?;
    }
    let notify = edit.notify(caller.user_id);
    let patch = TaskPatch {
        title: edit.title,
        description: edit.description,
        due_at: edit.due_at,
        due_notified_at: edit.due_notified_at,
        assignee_id: edit.assignee_id,
        done_at: edit.done_at,
        updated_at: now,
    };
    // One UPDATE: a second one of the same row would re-check its foreign keys (the
    // row is then this transaction's own) and wait on a card or contact locked by a
    // delete, against the lock order of docs/API.md.
    diesel::update(tasks::table.find(id)).set(&patch).execute(conn)?;
    // Last: notifying takes the account's event lock.
    if let Some(user) = notify {
        let title = patch.title.as_deref().unwrap_or(&old.title);
        crate::notifications::notify(conn, caller.account_id, user, "task_assigned", title, old.contact_id)?;
    }
    let row = tasks::table.find(id).select(TaskRow::as_select()).first(conn)?;
    let view = views(conn, vec![row])?.pop().ok_or(ApiError::NotFound)?;
    let event = TaskEvent { task: view.clone() };
    let data = if old.done_at.is_none() && view.done_at.is_some() {
        EventData::TaskCompleted(event)
    } else {
        EventData::TaskUpdated(event)
    };
    webhooks::publish(conn, caller.account_id, &data)?;
    Ok(view)
}

/// Removes task `id` if the caller sees it; how many rows went. Run it in a transaction:
/// the webhook that announces it is written with it.
pub fn delete(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<usize> {
    let Some(row) = visible(caller).filter(tasks::id.eq(id)).select(TaskRow::as_select()).first(conn).optional()?
    else {
        return Ok(0);
    };
    if !webhooks::wanted_kinds(conn, caller.account_id, &[EventKind::TaskDeleted])?.is_empty() {
        if let Some(task) = views(conn, vec![row])?.pop() {
            webhooks::publish(conn, caller.account_id, &EventData::TaskDeleted(TaskEvent { task }))?;
        }
    }
    Ok(diesel::delete(tasks::table.find(id)).execute(conn)?)
}
