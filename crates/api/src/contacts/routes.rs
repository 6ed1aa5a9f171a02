//! The contacts' handlers (list, create, read, edit, neighbours, notes, cards) and their OpenAPI.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use domain::contact_rules::{assignee_for_new_contact, clean, may_reassign, normalize_tags, Refused};
use domain::{
    Channel, ContactCard, ContactDetail, ContactFilter, ContactNeighbors, ContactPage, ContactView,
    CreateContactRequest, CreateNoteRequest, NoteView, Problem, UpdateContactRequest,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::{self, ContactRow};
use super::writes::{self, email_field, phone_field};
use super::{bulk, export, files, imports, list, merge, saved_filters, transcript};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::platform::http::respond;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/contacts")
            // Before `/{id}`, which would take `export.csv` for an id.
            .service(export::export_contacts)
            .service(bulk::contact_ids)
            .service(bulk::bulk_assign)
            .service(bulk::bulk_status)
            .service(bulk::bulk_tags)
            .service(bulk::bulk_delete)
            .service(list_contacts)
            .service(create_contact)
            .service(get_contact)
            .service(contact_cards)
            .service(update_contact)
            .service(contact_neighbors)
            .service(add_note)
            .service(files::upload_client_file)
            .service(files::list_client_files)
            .service(files::download_client_file)
            .service(files::delete_client_file)
            .service(merge::merge_contacts)
            .service(bulk::delete_contact),
    );
    cfg.service(utoipa_actix_web::scope("/audit").service(bulk::list_audit));
    // Not under /contacts: `/contacts/imports/{id}` would be ambiguous with `/contacts/{id}/notes`.
    cfg.service(
        utoipa_actix_web::scope("/contact-imports").service(imports::import_contacts).service(imports::get_import),
    );
    // The same for the saved filters (`/contacts/filters/{id}`).
    cfg.service(
        utoipa_actix_web::scope("/contact-filters")
            .service(saved_filters::list_contact_filters)
            .service(saved_filters::save_contact_filter)
            .service(saved_filters::delete_contact_filter),
    );
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^-?[0-9]{1,16}_[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List contacts.
///
/// One page at a time under a filter (tab, site, assignee, tags, origin, rating, dates, free
/// text), newest first unless sorted otherwise, with per-status counts for the tabs. Pass
/// `next_cursor` back as `cursor` for the next page. Agents see only the contacts assigned to
/// them.
#[utoipa::path(
    tag = "contacts", operation_id = "list_contacts", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(ContactFilter, PageParams),
    responses(
        (status = 200, description = "A page of contacts", body = ContactPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ContactFilter>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "range", "must be 1 to 200"));
    }
    let (filter, cursor) = (filter.into_inner(), page.into_inner().cursor);
    validator::Validate::validate(&filter)?;
    // The async read path: no hand-off to the blocking pool, page and counts pipelined.
    let mut conn = state.reads.get().await?;
    let page = list::page(&mut conn, &caller, &filter, cursor.as_deref(), limit).await?;
    drop(conn);
    Ok(respond::json_ok(list::page_json(&page)))
}

/// Add a contact by hand.
///
/// Needs a name, an e-mail or a phone. An agent's new contact is assigned to that agent; admins
/// may choose the assignee.
#[utoipa::path(
    tag = "contacts", operation_id = "create_contact", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    request_body = CreateContactRequest,
    responses(
        (status = 201, description = "Created", body = ContactView),
        (status = 403, description = "An agent tried to assign someone else", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another contact has this e-mail or phone", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown site or user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_contact(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<CreateContactRequest>,
) -> ApiResult<HttpResponse> {
    let assignee = assignee_for_new_contact(caller.user_id, caller.is_admin(), body.assignee_id)
        .map_err(|Refused(why)| ApiError::Forbidden(why.into()))?;
    // The same rule the New client form applies before sending (shared in `domain`).
    let missing = body.missing_fields();
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    let mut row = ContactRow::new(caller.account_id, Channel::Manual);
    row.name = clean(body.name);
    row.email = email_field(body.email.as_deref(), "email")?;
    row.phone = phone_field(body.phone.as_deref(), "phone")?;
    row.contact_hours = clean(body.contact_hours);
    let location = body.location.unwrap_or_default();
    (row.city, row.region, row.country) = (clean(location.city), clean(location.region), clean(location.country));
    row.source = clean(body.source);
    row.medium = clean(body.medium);
    row.rating = body.rating;
    row.status = body.status.unwrap_or_default().as_str().to_string();
    row.site_id = body.site_id;
    row.assignee_id = assignee;
    row.tags = normalize_tags(body.tags);
    let public_url = state.config.public_url.clone();
    let created = state.db.transaction(move |conn| writes::create(conn, &caller, row, &public_url)).await?;
    Ok(HttpResponse::Created().json(created.view()))
}

/// Get a contact.
///
/// The contact with its notes, change log, conversation transcripts and cards on the boards
/// the caller sees: everything the client screen shows. An API key gets `cards` empty (its
/// `contacts:read` scope is not `boards:read`): it reads them from `/contacts/{id}/cards`.
#[utoipa::path(
    tag = "contacts", operation_id = "get_contact", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The contact", body = ContactDetail),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ContactDetail>> {
    let id = id.into_inner();
    let lang = crate::platform::http::extract::ui_lang(&req);
    let attribution = state.config.geoip_attribution.clone();
    let mut detail = state
        .db
        .run(move |conn| {
            let row = queries::get(conn, &caller, id)?;
            Ok(ContactDetail {
                location_attribution: row.location_from_ip.then(|| attribution.clone()),
                contact: row.view(),
                notes: queries::notes(conn, id)?,
                activities: queries::activities(conn, id)?,
                conversations: transcript::for_contact(conn, id)?,
                cards: if caller.integration.is_none() {
                    crate::cards::queries::of_contact::list(conn, &caller, id)?
                } else {
                    Vec::new()
                },
                files: files::of_contact(conn, id)?,
            })
        })
        .await?;
    // System lines in the reader's language (stored in the visitor's).
    if let Some(lang) = lang {
        detail.conversations.iter_mut().flat_map(|c| c.messages.iter_mut()).for_each(|m| m.localize(lang));
    }
    Ok(web::Json(detail))
}

/// List a contact's cards.
///
/// The contact's cards on the boards the caller sees (one per board at most), each with its
/// board, stage, value and status (`open`, `won`, `lost`, `archived`): open ones first, then
/// the most recently changed.
#[utoipa::path(
    tag = "contacts", operation_id = "list_contact_cards", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The contact's cards", body = Vec<ContactCard>),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/cards")]
pub async fn contact_cards(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ContactCard>>> {
    let id = id.into_inner();
    let cards = state
        .db
        .run(move |conn| {
            queries::get(conn, &caller, id)?;
            crate::cards::queries::of_contact::list(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(cards))
}

/// Edit a contact.
///
/// A partial update: absent fields stay, `null` clears. Each changed field goes to the change
/// log. Only admins may reassign; the new assignee is notified.
#[utoipa::path(
    tag = "contacts", operation_id = "update_contact", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    request_body = UpdateContactRequest,
    responses(
        (status = 200, description = "Updated", body = ContactView),
        (status = 403, description = "An agent tried to reassign", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another contact has this e-mail or phone", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateContactRequest>,
) -> ApiResult<web::Json<ContactView>> {
    let id = id.into_inner();
    may_reassign(caller.is_admin(), &body).map_err(|Refused(why)| ApiError::Forbidden(why.into()))?;
    let public_url = state.config.public_url.clone();
    let saved = state.db.transaction(move |conn| writes::update(conn, &caller, id, body, &public_url)).await?;
    Ok(web::Json(saved.view()))
}

/// The previous and next contact.
///
/// Under the same filter and order as the list, for the arrows of the client screen.
#[utoipa::path(
    tag = "contacts", operation_id = "contact_neighbors", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contact id"), ContactFilter),
    responses(
        (status = 200, description = "Neighbours (null at either end)", body = ContactNeighbors),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/neighbors")]
pub async fn contact_neighbors(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    filter: web::Query<ContactFilter>,
) -> ApiResult<web::Json<ContactNeighbors>> {
    let (id, filter) = (id.into_inner(), filter.into_inner());
    validator::Validate::validate(&filter)?;
    let ((prev_id, next_id), (position, total, total_is_capped)) = state
        .db
        .run(move |conn| {
            let row = queries::get(conn, &caller, id)?;
            Ok((queries::neighbors(conn, &caller, &filter, &row)?, queries::position(conn, &caller, &filter, &row)?))
        })
        .await?;
    Ok(web::Json(ContactNeighbors { prev_id, next_id, position, total, total_is_capped }))
}

/// Add a note to a contact.
///
/// Notes are searchable from the list's free-text filter and recorded in the change log.
#[utoipa::path(
    tag = "contacts", operation_id = "add_note", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    request_body = CreateNoteRequest,
    responses(
        (status = 201, description = "Added", body = NoteView),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateNoteRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let note = state.db.transaction(move |conn| writes::add_note(conn, &caller, id, &body)).await?;
    Ok(HttpResponse::Created().json(note))
}
