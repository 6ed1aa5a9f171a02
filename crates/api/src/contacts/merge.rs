//! Merging a duplicate contact into another.

use actix_web::{post, web};
use chrono::Utc;
use diesel::prelude::*;
use domain::contact_rules::merge_record;
use domain::{ContactView, MergeContactsRequest, Problem};
use uuid::Uuid;

use super::queries::{self, Actor, ContactRow};
use crate::platform::db::schema::{cards, contact_activities, contact_notes, contacts, visitors};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// Fills what `target` lacks from `source`: the earliest first contact and its origin,
/// every tag, and custom fields the target does not have.
fn combine(mut target: ContactRow, source: &ContactRow) -> ContactRow {
    macro_rules! fill {
        ($($field:ident),*) => { $( if target.$field.is_none() { target.$field = source.$field.clone(); } )* };
    }
    if target.city.is_none() && target.region.is_none() && target.country.is_none() {
        target.location_from_ip = source.location_from_ip;
    }
    fill!(
        site_id,
        name,
        email,
        phone,
        contact_hours,
        city,
        region,
        country,
        page_url,
        source,
        medium,
        campaign,
        referrer,
        ip,
        rating,
        assignee_id
    );
    target.first_contact_at = target.first_contact_at.min(source.first_contact_at);
    for tag in &source.tags {
        if !target.tags.contains(tag) {
            target.tags.push(tag.clone());
        }
    }
    if let (Some(into), Some(from)) = (target.custom_fields.as_object_mut(), source.custom_fields.as_object()) {
        for (k, v) in from {
            into.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    target.notes_text = format!("{}\n{}", target.notes_text, source.notes_text);
    target.updated_at = Utc::now();
    target
}

/// Merge another contact into this one.
///
/// Transcripts, notes and history of `source_id` move here, empty fields are filled from it,
/// tags are joined, and the source contact is deleted, in one transaction.
#[utoipa::path(
    tag = "contacts", operation_id = "merge_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "The contact that remains")),
    request_body = MergeContactsRequest,
    responses(
        (status = 200, description = "The merged contact", body = ContactView),
        (status = 404, description = "Either contact missing or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A contact cannot be merged into itself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/merge")]
pub async fn merge_contacts(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<MergeContactsRequest>,
) -> ApiResult<web::Json<ContactView>> {
    let target_id = id.into_inner();
    let source_id = body.source_id;
    if source_id == target_id {
        return Err(ApiError::field("source_id", "same", "must be another contact"));
    }
    let merged = state
        .db
        .transaction(move |conn| {
            // Lock order (docs/API.md): the cards the merge writes (the source's lose their
            // link when it goes), then both contacts in id order, the events last.
            cards::table
                .filter(cards::account_id.eq(caller.account_id))
                .filter(cards::contact_id.eq(source_id))
                .order(cards::id)
                .select(cards::id)
                .for_update()
                .load::<Uuid>(conn)?;
            let (target, source) = if target_id < source_id {
                let target = queries::get_for_update(conn, &caller, target_id)?;
                (target, queries::get_for_update(conn, &caller, source_id)?)
            } else {
                let source = queries::get_for_update(conn, &caller, source_id)?;
                (queries::get_for_update(conn, &caller, target_id)?, source)
            };
            let merged = combine(target.clone(), &source);
            super::transcript::reassign(conn, source_id, target_id)?;
            diesel::update(contact_notes::table.filter(contact_notes::contact_id.eq(source_id)))
                .set(contact_notes::contact_id.eq(target_id))
                .execute(conn)?;
            diesel::update(contact_activities::table.filter(contact_activities::contact_id.eq(source_id)))
                .set(contact_activities::contact_id.eq(target_id))
                .execute(conn)?;
            crate::calls::move_calls(conn, source_id, target_id)?;
            super::files::move_files(conn, source_id, target_id)?;
            // An admin merged them: the chat visitor of the source is the target from now on.
            diesel::update(visitors::table.filter(visitors::contact_id.eq(source_id)))
                .set(visitors::contact_id.eq(target_id))
                .execute(conn)?;
            // The source goes first: the target may take over its e-mail or phone.
            diesel::delete(contacts::table.find(source_id)).execute(conn)?;
            let saved = queries::save(conn, &merged)?;
            let actor = Actor::user(conn, &caller)?;
            let mut changes = queries::diff(&target, &saved);
            // What the duplicate was, field by field (`domain::contact_rules::merge_record`).
            changes.push(("merge", None, Some(merge_record(&source.view()))));
            queries::log_changes(conn, caller.account_id, target_id, &actor, &changes)?;
            Ok(saved)
        })
        .await?;
    Ok(web::Json(merged.view()))
}
