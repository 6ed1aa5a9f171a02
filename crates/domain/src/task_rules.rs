//! The rules of editing a task, without the database: what a PATCH changes (a new due time
//! re-arms its reminder, `done` stamps or clears the time), who is told, and how many things
//! a task may be linked to. The handler checks the assignee and the link exist, applies these
//! and writes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::tasks::{CreateTaskRequest, UpdateTaskRequest};
use crate::FieldError;

/// What of a task an edit looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSnapshot {
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub done_at: Option<DateTime<Utc>>,
}

/// What to write; `None`: leave that column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// Cleared with a new due time, so its reminder goes out again.
    pub due_notified_at: Option<Option<DateTime<Utc>>>,
    pub assignee_id: Option<Option<Uuid>>,
    pub done_at: Option<Option<DateTime<Utc>>>,
}

impl TaskEdit {
    /// The user to tell they were given the task: a new assignee other than the editor.
    pub fn notify(&self, editor: Uuid) -> Option<Uuid> {
        self.assignee_id.flatten().filter(|user| *user != editor)
    }
}

/// The edit `req` makes of `old` at `now`: only what differs is written.
pub fn task_edit(old: &TaskSnapshot, req: &UpdateTaskRequest, now: DateTime<Utc>) -> TaskEdit {
    let mut edit = TaskEdit {
        title: req.title.as_deref().map(|t| t.trim().to_string()),
        description: req.description.as_deref().map(|d| d.trim().to_string()),
        ..TaskEdit::default()
    };
    if let Some(due) = req.due_at.filter(|due| *due != old.due_at) {
        edit.due_at = Some(due);
        edit.due_notified_at = Some(None);
    }
    edit.assignee_id = req.assignee_id.filter(|a| *a != old.assignee_id);
    if let Some(done) = req.done.filter(|d| *d != old.done_at.is_some()) {
        edit.done_at = Some(done.then_some(now));
    }
    edit
}

/// A task belongs to at most one contact, card or conversation.
pub fn check_one_link(req: &CreateTaskRequest) -> Result<(), FieldError> {
    let links = [req.contact_id.is_some(), req.card_id.is_some(), req.conversation_id.is_some()];
    if links.iter().filter(|l| **l).count() > 1 {
        return Err(FieldError::new("contact_id", "invalid", "link a task to one contact, card or conversation"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + i64::from(h) * 3600, 0).unwrap()
    }

    fn req(value: serde_json::Value) -> UpdateTaskRequest {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn only_what_differs_is_written_and_a_new_due_time_rearms_the_reminder() {
        let old = TaskSnapshot { due_at: Some(at(1)), assignee_id: None, done_at: None };
        assert_eq!(task_edit(&old, &req(json!({"due_at": at(1), "done": false})), at(5)), TaskEdit::default());
        let edit = task_edit(&old, &req(json!({"due_at": at(2), "title": " Ligar "})), at(5));
        assert_eq!(edit.due_at, Some(Some(at(2))));
        assert_eq!(edit.due_notified_at, Some(None));
        assert_eq!(edit.title.as_deref(), Some("Ligar"));
        let cleared = task_edit(&old, &req(json!({"due_at": null})), at(5));
        assert_eq!((cleared.due_at, cleared.due_notified_at), (Some(None), Some(None)));
    }

    #[test]
    fn done_stamps_the_time_and_undone_clears_it() {
        let open = TaskSnapshot { due_at: None, assignee_id: None, done_at: None };
        assert_eq!(task_edit(&open, &req(json!({"done": true})), at(3)).done_at, Some(Some(at(3))));
        let done = TaskSnapshot { done_at: Some(at(1)), ..open };
        assert_eq!(task_edit(&done, &req(json!({"done": false})), at(3)).done_at, Some(None));
        assert_eq!(task_edit(&done, &req(json!({"done": true})), at(3)).done_at, None, "done stays as it was");
    }

    #[test]
    fn a_new_assignee_other_than_the_editor_is_told() {
        let (me, bia) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let old = TaskSnapshot { due_at: None, assignee_id: Some(me), done_at: None };
        assert_eq!(task_edit(&old, &req(json!({"assignee_id": bia})), at(0)).notify(me), Some(bia));
        assert_eq!(task_edit(&old, &req(json!({"assignee_id": me})), at(0)).notify(me), None, "no change");
        let mine = TaskSnapshot { assignee_id: Some(bia), ..old };
        assert_eq!(task_edit(&mine, &req(json!({"assignee_id": me})), at(0)).notify(me), None, "took it themselves");
        assert_eq!(task_edit(&mine, &req(json!({"assignee_id": null})), at(0)).notify(me), None);
    }

    #[test]
    fn a_task_links_to_one_thing_at_most() {
        let create = |v: serde_json::Value| -> CreateTaskRequest { serde_json::from_value(v).unwrap() };
        assert!(check_one_link(&create(json!({"title": "x"}))).is_ok());
        assert!(check_one_link(&create(json!({"title": "x", "card_id": Uuid::from_u128(1)}))).is_ok());
        let both = create(json!({"title": "x", "card_id": Uuid::from_u128(1), "contact_id": Uuid::from_u128(2)}));
        assert_eq!(check_one_link(&both).unwrap_err().field, "contact_id");
    }
}
