//! Liveness and readiness probes.

use actix_web::{get, web};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::error::{ApiError, ApiResult};
use crate::platform::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is up.
///
/// Never touches the database: for liveness probes.
#[utoipa::path(tag = "health", operation_id = "healthz", responses((status = 200, description = "Alive", body = HealthStatus)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthStatus> {
    web::Json(HealthStatus { status: "ok".into() })
}

/// The database answers.
///
/// For readiness probes: 503 while the database is unreachable.
#[utoipa::path(
    tag = "health", operation_id = "readyz",
    responses(
        (status = 200, description = "Ready", body = HealthStatus),
        (status = 503, description = "Database unreachable", body = domain::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<HealthStatus>> {
    state
        .db
        .run(|conn| {
            diesel::sql_query("SELECT 1").execute(conn).map_err(|e| ApiError::Unavailable(format!("database: {e}")))?;
            Ok(())
        })
        .await?;
    Ok(web::Json(HealthStatus { status: "ready".into() }))
}
