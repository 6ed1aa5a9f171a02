//! Reports: leads and sales of a period, next to the period before.

use domain::reports::{DeskReport, LeadsReport, SalesReport};

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
