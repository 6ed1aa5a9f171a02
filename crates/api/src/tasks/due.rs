//! Tasks falling due: a job (`jobs`, one instance at a time) notifies each assignee once per
//! task; `UPDATE … RETURNING` on `due_notified_at IS NULL` also hands each task to one pass.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::db::schema::tasks;
use crate::platform::error::ApiResult;

/// A task that fell due: account, assignee, title, contact.
type DueTask = (Uuid, Option<Uuid>, String, Option<Uuid>);

/// One pass: returns how many assignees were told.
pub fn notify_due(conn: &mut PgConnection) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let now = Utc::now();
        let due: Vec<DueTask> = diesel::update(
            tasks::table
                .filter(tasks::done_at.is_null())
                .filter(tasks::due_notified_at.is_null())
                .filter(tasks::due_at.le(now))
                .filter(tasks::assignee_id.is_not_null()),
        )
        .set(tasks::due_notified_at.eq(now))
        .returning((tasks::account_id, tasks::assignee_id, tasks::title, tasks::contact_id))
        .get_results(conn)?;
        for (account_id, assignee, title, contact_id) in &due {
            if let Some(user) = assignee {
                crate::notifications::notify(conn, *account_id, *user, "task_due", title, *contact_id)?;
            }
        }
        Ok(due.len())
    })
}
