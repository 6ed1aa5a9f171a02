//! Auto-assignment: each site deals its new leads to chosen users in strict rotation, and
//! every assignment (automatic or manual) notifies the assignee in-app and by e-mail.

use actix_web::{get, put, web};
use diesel::prelude::*;
use domain::{AutoAssignment, FieldError, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::contacts::queries::ContactRow;
use crate::platform::db::schema::{sites, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::platform::mailer;
use crate::{notifications, AppState};

/// A site's auto-assignment: whole paths under `/sites`, so registered before sites' scope.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_auto_assignment).service(update_auto_assignment);
}

/// The next user in the site's rotation, skipping disabled users, or `None` when the site
/// does not auto-assign. Locks the site row: concurrent leads take turns, so each user's
/// count differs from another's by at most one.
pub fn next_assignee(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<Option<Uuid>> {
    let Some((enabled, user_ids, cursor)) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::auto_assign_enabled, sites::auto_assign_user_ids, sites::auto_assign_cursor))
        .for_update()
        .first::<(bool, Vec<Uuid>, i64)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if !enabled || user_ids.is_empty() {
        return Ok(None);
    }
    let active: Vec<Uuid> = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq_any(&user_ids))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)?;
    // Keep the configured order, not the database's.
    let eligible: Vec<Uuid> = user_ids.into_iter().filter(|id| active.contains(id)).collect();
    if eligible.is_empty() {
        return Ok(None);
    }
    let chosen = eligible[(cursor.rem_euclid(eligible.len() as i64)) as usize];
    diesel::update(sites::table.find(site_id)).set(sites::auto_assign_cursor.eq(cursor + 1)).execute(conn)?;
    Ok(Some(chosen))
}

/// Tells `assignee` about a contact they were given: an in-app notification and an e-mail
/// in the outbox (linking to the contact under `public_url`), both in the caller's transaction.
pub fn announce(conn: &mut PgConnection, contact: &ContactRow, assignee: Uuid, public_url: &str) -> ApiResult<()> {
    let (email, name): (String, String) = users::table
        .filter(users::account_id.eq(contact.account_id))
        .filter(users::id.eq(assignee))
        .select((users::email, users::name))
        .first(conn)?;
    // Whatever the lead typed is quoted data: short, one line, no live links, never the
    // start of the subject.
    let quoted = |value: &Option<String>| value.as_deref().map(|v| domain::text::quote_lead_text(v, 120));
    let who = contact.name.clone().or(contact.email.clone()).or(contact.phone.clone());
    let title = match &who {
        Some(who) => format!("New lead assigned to you: \"{}\"", domain::text::quote_lead_text(who, 40)),
        None => "New lead assigned to you".to_string(),
    };
    let name = domain::text::quote_lead_text(&name, 60);
    let mut body =
        format!("Hello {name},\n\nA new lead was assigned to you in Prospecta. What the lead sent (unverified):\n");
    for (label, value) in
        [("Name", &contact.name), ("E-mail", &contact.email), ("Phone", &contact.phone), ("Page", &contact.page_url)]
    {
        if let Some(v) = quoted(value) {
            body.push_str(&format!("  {label}: \"{v}\"\n"));
        }
    }
    body.push_str(&format!("\nOpen it in Prospecta: {public_url}/clients/{}\n", contact.id));
    let subject = format!("[Prospecta] {title}");
    mailer::enqueue(conn, contact.account_id, &email, &subject, &body)?;
    notifications::notify(conn, contact.account_id, assignee, "contact_assigned", &title, Some(contact.id))?;
    Ok(())
}

fn site_exists(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<()> {
    sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select(sites::id)
        .first::<Uuid>(conn)?;
    Ok(())
}

/// A site's auto-assignment settings.
///
/// Whether new leads of the site are dealt out, and to whom in rotation order. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_auto_assignment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Settings", body = AutoAssignment),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/auto-assignment")]
pub async fn get_auto_assignment(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AutoAssignment>> {
    let id = id.into_inner();
    let (enabled, user_ids) = state
        .db
        .run(move |conn| {
            Ok(sites::table
                .filter(sites::account_id.eq(caller.account_id))
                .filter(sites::id.eq(id))
                .select((sites::auto_assign_enabled, sites::auto_assign_user_ids))
                .first::<(bool, Vec<Uuid>)>(conn)?)
        })
        .await?;
    Ok(web::Json(AutoAssignment { enabled, user_ids }))
}

/// Choose who receives a site's new leads.
///
/// New leads go to these users in strict rotation, skipping disabled users. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_auto_assignment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = AutoAssignment,
    responses(
        (status = 200, description = "Saved", body = AutoAssignment),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A user is not in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/auto-assignment")]
pub async fn update_auto_assignment(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<AutoAssignment>,
) -> ApiResult<web::Json<AutoAssignment>> {
    let id = id.into_inner();
    let mut user_ids = body.user_ids.clone();
    let mut seen = std::collections::HashSet::new();
    user_ids.retain(|u| seen.insert(*u));
    let saved = state
        .db
        .transaction(move |conn| {
            site_exists(conn, caller.account_id, id)?;
            let known: Vec<Uuid> = users::table
                .filter(users::account_id.eq(caller.account_id))
                .filter(users::id.eq_any(&user_ids))
                .select(users::id)
                .load(conn)?;
            let unknown: Vec<FieldError> = user_ids
                .iter()
                .enumerate()
                .filter(|(_, u)| !known.contains(u))
                .map(|(i, _)| FieldError::new(format!("user_ids[{i}]"), "unknown", "is not a user of this account"))
                .collect();
            if !unknown.is_empty() {
                return Err(ApiError::Validation(unknown));
            }
            diesel::update(sites::table.find(id))
                .set((sites::auto_assign_enabled.eq(body.enabled), sites::auto_assign_user_ids.eq(&user_ids)))
                .execute(conn)?;
            Ok(AutoAssignment { enabled: body.enabled, user_ids })
        })
        .await?;
    Ok(web::Json(saved))
}
