//! Tasks (SPEC §7): something to do by a time, for someone, about a contact, a card or a
//! conversation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

fn task_title(s: &str) -> Result<(), ValidationError> {
    if s.trim().is_empty() {
        return Err(ValidationError::new("length").with_message("must not be empty".into()));
    }
    if s.chars().count() > 200 {
        return Err(ValidationError::new("length").with_message("must be at most 200 characters".into()));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub contact_id: Option<Uuid>,
    pub card_id: Option<Uuid>,
    /// The card's board, to open the card.
    pub board_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
    /// What the task is about, as people read it: the contact's name, the card's title.
    pub subject: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskView>,
}

/// Whose tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskScope {
    /// Assigned to the caller ("My tasks").
    #[default]
    Mine,
    /// Every task the caller may see.
    All,
}

/// Open, done, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    #[default]
    Open,
    Done,
    Any,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `mine` (default) or `all`; with a `contact_id`, `card_id` or `conversation_id`, every
    /// task of it the caller may see.
    pub scope: Option<TaskScope>,
    /// `open` (default), `done` or `any`.
    pub state: Option<TaskState>,
    pub contact_id: Option<Uuid>,
    pub card_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Ligar para a Ana", "due_at": "2026-12-01T14:00:00Z", "card_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"}))]
pub struct CreateTaskRequest {
    #[validate(custom(function = "task_title"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[validate(length(max = 5000, message = "must be at most 5000 characters"))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// Who does it; the caller when absent (an API key must name someone).
    pub assignee_id: Option<Uuid>,
    /// At most one of `contact_id`, `card_id`, `conversation_id`.
    pub contact_id: Option<Uuid>,
    pub card_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
}

/// Partial update; `null` clears the due time or the assignee.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"done": true}))]
pub struct UpdateTaskRequest {
    #[validate(custom(function = "task_title"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[validate(length(max = 5000, message = "must be at most 5000 characters"))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    pub done: Option<bool>,
}

/// Where a task falls in "My tasks", for a day that starts at `day_start` and ends at
/// `day_end` in the viewer's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskBucket {
    Overdue,
    Today,
    Upcoming,
    NoDueDate,
    Done,
}

pub fn bucket(task: &TaskView, now: DateTime<Utc>, day_end: DateTime<Utc>) -> TaskBucket {
    if task.done {
        return TaskBucket::Done;
    }
    match task.due_at {
        None => TaskBucket::NoDueDate,
        Some(due) if due < now => TaskBucket::Overdue,
        Some(due) if due < day_end => TaskBucket::Today,
        Some(_) => TaskBucket::Upcoming,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn task(due: Option<DateTime<Utc>>, done: bool) -> TaskView {
        let now = Utc::now();
        TaskView {
            id: Uuid::nil(),
            title: "t".into(),
            description: String::new(),
            due_at: due,
            assignee_id: None,
            done,
            done_at: None,
            contact_id: None,
            card_id: None,
            board_id: None,
            conversation_id: None,
            subject: None,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn my_tasks_fall_into_overdue_today_upcoming() {
        let now = Utc::now();
        let end = now + Duration::hours(5);
        assert_eq!(bucket(&task(Some(now - Duration::minutes(1)), false), now, end), TaskBucket::Overdue);
        assert_eq!(bucket(&task(Some(now + Duration::hours(1)), false), now, end), TaskBucket::Today);
        assert_eq!(bucket(&task(Some(now + Duration::hours(6)), false), now, end), TaskBucket::Upcoming);
        assert_eq!(bucket(&task(None, false), now, end), TaskBucket::NoDueDate);
        assert_eq!(bucket(&task(Some(now - Duration::days(3)), true), now, end), TaskBucket::Done);
    }

    #[test]
    fn a_partial_update_sends_only_what_it_changes() {
        // An absent due time or assignee must stay absent: `null` would clear it.
        let done = UpdateTaskRequest { done: Some(true), ..Default::default() };
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            serde_json::json!({"title": null, "description": null, "done": true})
        );
        let back: UpdateTaskRequest = serde_json::from_value(serde_json::to_value(&done).unwrap()).unwrap();
        assert_eq!((back.due_at, back.assignee_id), (None, None));
        let clear = UpdateTaskRequest { due_at: Some(None), ..Default::default() };
        assert_eq!(serde_json::to_value(&clear).unwrap()["due_at"], serde_json::Value::Null);
    }

    #[test]
    fn a_title_is_needed() {
        let bad = CreateTaskRequest { title: " ".into(), ..Default::default() };
        assert!(bad.validate().unwrap_err().field_errors().contains_key("title"));
    }
}
