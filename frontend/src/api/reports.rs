//! Reports: leads, sales, the desk and the pipelines of a period, next to the period before.

use domain::reports::{DeskReport, LeadsReport, PipelinesReport, SalesReport};

use super::ApiError;

/// `query`: `from=…&to=…&utc_offset=…` and the filters.
pub async fn leads(query: &str) -> Result<LeadsReport, ApiError> {
    super::get(&format!("/api/v1/reports/leads?{query}")).await
}

pub async fn sales(query: &str) -> Result<SalesReport, ApiError> {
    super::get(&format!("/api/v1/reports/sales?{query}")).await
}

pub async fn desk(query: &str) -> Result<DeskReport, ApiError> {
    super::get(&format!("/api/v1/reports/desk?{query}")).await
}

/// `query`: `from=…&to=…&utc_offset=…`, and `board_id`/`assignee_id` when chosen.
pub async fn pipelines(query: &str) -> Result<PipelinesReport, ApiError> {
    super::get(&format!("/api/v1/reports/pipelines?{query}")).await
}
