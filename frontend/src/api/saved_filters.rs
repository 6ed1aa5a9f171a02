//! Saved filters, a board's or the client list's: one shape, two homes.

use domain::{CreateSavedFilterRequest, SavedFilterList, SavedFilterView};
use uuid::Uuid;

use super::ApiError;

/// Where a screen keeps its saved filters.
#[derive(Clone, Copy, PartialEq)]
pub enum FilterHome {
    Board(Uuid),
    Clients,
}

impl FilterHome {
    fn path(self) -> String {
        match self {
            FilterHome::Board(id) => format!("/api/v1/boards/{id}/filters"),
            FilterHome::Clients => "/api/v1/contact-filters".to_string(),
        }
    }
}

pub async fn list(home: FilterHome) -> Result<SavedFilterList, ApiError> {
    super::get(&home.path()).await
}

pub async fn save(home: FilterHome, req: &CreateSavedFilterRequest) -> Result<SavedFilterView, ApiError> {
    super::post(&home.path(), req).await
}

pub async fn delete(home: FilterHome, id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("{}/{id}", home.path())).await
}
