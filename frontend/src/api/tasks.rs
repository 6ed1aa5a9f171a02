//! Tasks: My tasks and the tasks of a contact, card or conversation.

use domain::{CreateTaskRequest, TaskList, TaskView, UpdateTaskRequest};
use uuid::Uuid;

use super::ApiError;

/// Tasks under `query` (`scope=…&state=…`, or a contact's, card's or conversation's).
pub async fn list(query: &str) -> Result<TaskList, ApiError> {
    super::get(&format!("/api/v1/tasks?{query}")).await
}

pub async fn create(req: &CreateTaskRequest) -> Result<TaskView, ApiError> {
    super::post("/api/v1/tasks", req).await
}

pub async fn update(id: Uuid, req: &UpdateTaskRequest) -> Result<TaskView, ApiError> {
    super::patch(&format!("/api/v1/tasks/{id}"), req).await
}
