//! The OpenAPI document: paths come from the handlers' `#[utoipa::path]`, collected by
//! `utoipa_actix_web` as routes are registered, so a route cannot be missing from it.
//!
//! [`finish`] then adds what is the same for every operation, so no handler can forget
//! it: the error responses the shared machinery returns (401 from the auth extractors,
//! 400/413/415/422 from the JSON extractor, 404 for a malformed or foreign path id,
//! 500/503), `security: []` on public operations, and the text pattern that refuses
//! control characters (see `domain::text`). `events`: the event catalogue on the streams and
//! the `webhooks`; `links`: links from each create to the operations on what it made.

use actix_web::App;
use serde_json::{json, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

mod events;
mod links;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prospecta API",
        version = "1.0.0",
        description = "CRM for leads from chatbots, live chat, forms and integrations.\n\n\
            Users authenticate with `POST /api/v1/auth/login` and send the access token as \
            `Authorization: Bearer …`. Integrations send an API key as `X-Api-Key` (or \
            `Authorization: Bearer psk_…`); web forms send a site's public key as `X-Site-Key`. \
            Errors are `application/problem+json` (RFC 9457) with per-field `errors`. \
            The integration guide is `docs/INTEGRATIONS.md` in the repository.",
        license(name = "MIT", url = "https://opensource.org/license/mit"),
        contact(name = "Prospecta", url = "https://prospecta.dev")
    ),
    servers((url = "http://127.0.0.1:8080", description = "A local `make run`")),
    components(schemas(
        domain::ContactSort, domain::DeskView, domain::BoardDateField, domain::BoardOrder, domain::YesNoAll,
        domain::TaskScope, domain::TaskState,
        // The event catalogue (`domain::events`): each kind's `data`, listed on the streams.
        domain::events::ConversationRef, domain::events::ConversationChanged, domain::events::ConversationAccepted,
        domain::events::ConversationSlaBreached, domain::events::ContactSlaBreached,
        domain::events::ConversationOffered, domain::events::ConversationRerouted,
        domain::events::ConversationTransferred, domain::events::ConversationMember, domain::events::ConversationTagged,
        domain::events::ConversationContactUpdated, domain::events::MessageCreated, domain::events::Typing,
        domain::events::NotificationCreated, domain::ContactDeletion, domain::events::PresenceChanged, domain::events::CardChanged,
        domain::events::VisitorEvent, domain::events::VisitorMessage,
        // Webhook-only payloads, listed under `webhooks`.
        domain::webhooks::ContactEvent, domain::webhooks::FieldChange, domain::webhooks::TaskEvent,
        domain::webhooks::WebhookTest,
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Sign-up, login, tokens"),
        (name = "users", description = "Users of an account"),
        (name = "sites", description = "Websites and their public keys"),
        (name = "api-keys", description = "Integration API keys"),
        (name = "contacts", description = "The lead CRM: clients, notes, change log, merges, CSV"),
        (name = "custom-fields", description = "Custom contact fields defined per account"),
        (name = "notifications", description = "In-app notifications"),
        (name = "conversations", description = "The live-chat desk: Inbox, my conversations, All"),
        (name = "visitor", description = "The chat widget's API (site key and visitor token, for browsers)"),
        (name = "events", description = "Realtime server-sent events"),
        (name = "boards", description = "Kanban boards (pipelines), their stages and labels"),
        (name = "tasks", description = "Tasks: My tasks, and the tasks of a contact, card or conversation"),
        (name = "reports", description = "Reports for managers: leads in by source and channel, the funnel, speed of first action, sales per month and agent"),
        (name = "cards", description = "Cards on boards: deals and clients moving through stages, the board view, history and saved filters"),
        (name = "integration", description = "Endpoints for integrations (API key or site key)"),
        (name = "webhooks", description = "Signed event deliveries to an integration's URL, with retries and a delivery log"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A user's access token from `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "An integration API key (`psk_…`).",
            ))),
        );
        components.add_security_scheme(
            "api_key_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("psk_…")
                    .description(Some("An integration API key sent as `Authorization: Bearer psk_…`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "site_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Site-Key",
                "A site's public key (`site_…`), safe to embed in a web page.",
            ))),
        );
        components.add_security_scheme(
            "visitor_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Visitor-Token",
                "A chat visitor's token (`vt_…`), from `POST /api/v1/visitor/conversations`.",
            ))),
        );
    }
}

/// The spec exactly as the server serves it at `/api/openapi.json`.
pub fn openapi() -> Value {
    let (_, api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::configure_api).split_for_parts();
    finish(api)
}

/// Pretty JSON with a trailing newline: the form committed as `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = serde_json::to_string_pretty(&openapi()).expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// Adds what every operation shares (see the module doc). Done on the JSON form, which is
/// also what is served: utoipa's typed builders have no way to say "if absent".
pub(crate) fn finish(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(&api).expect("the OpenAPI document serialises");
    add_key_bearer_requirements(&mut doc);
    optional_headers_without_null(&mut doc);
    bytes_as_binary(&mut doc);
    add_field_rules(&mut doc);
    add_shared_responses(&mut doc);
    add_text_patterns(&mut doc);
    events::add_event_catalogue(&mut doc);
    events::add_webhooks(&mut doc);
    links::add_links(&mut doc);
    doc
}

/// A file's bytes (`Vec<u8>` in a handler's attributes) are one binary string on the wire, not
/// a JSON array of numbers: generators then send and receive raw bytes. A download answers the
/// type the file was uploaded with (`image/png`, `application/pdf`…), so its answer is `*/*`.
fn bytes_as_binary(doc: &mut Value) {
    let bytes = json!({"type": "array", "items": {"type": "integer", "format": "int32", "minimum": 0}});
    for op in operations_mut(doc).filter_map(|(_, _, op)| op.as_object_mut()) {
        let mut contents: Vec<&mut Value> = Vec::new();
        let ok = op.get_mut("responses").and_then(|r| r.get_mut("200")).and_then(|r| r.get_mut("content"));
        if let Some(content) = ok.and_then(Value::as_object_mut) {
            if content.get("application/octet-stream").and_then(|m| m.get("schema")) == Some(&bytes) {
                let file = content.remove("application/octet-stream").unwrap_or_default();
                content.insert("*/*".into(), file);
            }
        }
        for (key, value) in op.iter_mut() {
            match key.as_str() {
                "requestBody" => contents.extend(value.get_mut("content")),
                "responses" => contents.extend(
                    value.as_object_mut().into_iter().flat_map(|r| r.values_mut()).filter_map(|r| r.get_mut("content")),
                ),
                _ => {}
            }
        }
        for content in contents.into_iter().filter_map(Value::as_object_mut) {
            for media in content.values_mut() {
                if media.get("schema") == Some(&bytes) {
                    media["schema"] = json!({"type": "string", "format": "binary"});
                }
            }
        }
    }
}

/// An optional header is absent or has a value: utoipa types `Option<T>` as `[T, "null"]`,
/// which generators read as a header that may be sent empty (progenitor: `Option<Option<T>>`).
fn optional_headers_without_null(doc: &mut Value) {
    for (_, _, op) in operations_mut(doc) {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else { continue };
        for param in params.iter_mut().filter(|p| p["in"] == "header") {
            let Some(types) = param.pointer_mut("/schema/type").and_then(Value::as_array_mut) else { continue };
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types[0].clone();
                param["schema"]["type"] = only;
            }
        }
    }
}

/// A key may be sent as `X-Api-Key` or as `Authorization: Bearer psk_…`: every operation a
/// handler opens to `api_key` (with the scope it needs) gets the same `api_key_bearer`
/// requirement, so each handler names its scope once.
fn add_key_bearer_requirements(doc: &mut Value) {
    for (_, _, op) in operations_mut(doc) {
        let Some(security) = op.get_mut("security").and_then(Value::as_array_mut) else { continue };
        let Some(at) = security.iter().position(|r| r.get("api_key").is_some()) else { continue };
        if security.iter().any(|r| r.get("api_key_bearer").is_some()) {
            continue;
        }
        let scopes = security[at]["api_key"].clone();
        security.insert(at + 1, json!({ "api_key_bearer": scopes }));
    }
}

/// Every operation (and whatever else a path item holds) with its path and method, for the
/// passes of [`finish`].
fn operations_mut(doc: &mut Value) -> impl Iterator<Item = (&str, &str, &mut Value)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .filter_map(|(path, item)| Some((path.as_str(), item.as_object_mut()?)))
        .flat_map(|(path, item)| item.iter_mut().map(move |(method, op)| (path, method.as_str(), op)))
}

/// Rules of fields that utoipa's attributes cannot state (patterns from constants, array
/// items, maps), merged into the generated schemas.
fn add_field_rules(doc: &mut Value) {
    let phone = domain::Phone::schema_rules();
    let tags = json!({
        "maxItems": 30,
        "items": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": domain::TAG_PATTERN}
    });
    let custom_fields = json!({
        "type": ["object", "null"],
        "maxProperties": 50,
        "description": "Values by custom field key (see `GET /api/v1/custom-fields`): text (at most \
            1000 characters), number, date (`YYYY-MM-DD`) or one of a select's options; `null` clears.",
        "additionalProperties": {"type": ["string", "number", "null"]},
        "propertyNames": {"pattern": domain::custom_fields::CUSTOM_FIELD_KEY_PATTERN}
    });
    let import_fields: Vec<&str> = domain::IMPORT_FIELDS.to_vec();
    // A lead or a typed-in client needs an e-mail or a phone with something in it.
    let reachable = |field: &str| json!({"required": [field], "properties": {field: {"type": "string", "pattern": "\\S"}}, "additionalProperties": true});
    let email_or_phone = json!({"if": reachable("email"), "else": reachable("phone")});
    // A bulk tag change names a tag to add or one to remove.
    let some = |field: &str| json!({"required": [field], "properties": {field: {"minItems": 1}}, "additionalProperties": true});
    let add_or_remove = json!({"if": some("add"), "else": some("remove")});
    // A select field needs at least one option that is not blank; another kind none.
    // (Each part open to the other fields, said out loud: redocly checks examples against
    // subschemas as if closed.)
    let select_needs_options = json!({
        "if": {"properties": {"kind": {"const": "select"}}, "required": ["kind"], "additionalProperties": true},
        "then": {
            "required": ["options"],
            "properties": {"options": {"minItems": 1, "contains": {"type": "string", "pattern": "\\S"}}},
            "additionalProperties": true
        },
        "else": {"properties": {"options": {"maxItems": 0}}, "additionalProperties": true}
    });
    let origins = json!({
        "maxItems": domain::MAX_ORIGINS,
        "items": {"type": "string", "pattern": domain::ORIGIN_PATTERN}
    });
    let rules: Vec<(&str, Value)> = vec![
        ("/IngestLeadRequest/properties/phone", phone.clone()),
        ("/CreateContactRequest/properties/phone", phone.clone()),
        ("/UpdateContactRequest/properties/phone", phone.clone()),
        ("/IngestLeadRequest/properties/tags", tags.clone()),
        ("/CreateContactRequest/properties/tags", tags.clone()),
        ("/UpdateContactRequest/properties/tags", tags.clone()),
        ("/BulkTagsRequest/properties/add", tags.clone()),
        ("/BulkTagsRequest/properties/remove", tags),
        ("/BulkTagsRequest", add_or_remove),
        ("/IngestLeadRequest/properties/custom_fields", custom_fields.clone()),
        ("/UpdateContactRequest/properties/custom_fields", custom_fields.clone()),
        ("/ContactView/properties/custom_fields", custom_fields),
        // Whole-object rules the server checks after parsing (each a 422 naming the field).
        // Said as `if`/`else` rather than `anyOf`: generators turn a root `anyOf` into one
        // model per branch (openapi-python-client: `IngestLeadRequestType0`…).
        ("/IngestLeadRequest", email_or_phone.clone()),
        ("/CreateContactRequest", email_or_phone),
        ("/CreateContactRequest", json!({"required": ["name"]})),
        ("/CreateContactRequest/properties/name", json!({"type": "string", "pattern": domain::TAG_PATTERN})),
        ("/CreateCustomFieldRequest", select_needs_options.clone()),
        ("/CreateBoardFieldRequest", select_needs_options),
        ("/CreateWebhookRequest/properties/event_types", json!({"uniqueItems": true})),
        ("/UpdateWebhookRequest/properties/event_types", json!({"uniqueItems": true})),
        ("/CreateSiteRequest/properties/allowed_origins", origins.clone()),
        ("/UpdateSiteRequest/properties/allowed_origins", origins),
        (
            "/ImportRequest/properties/mapping",
            json!({"propertyNames": {"anyOf": [
                {"enum": import_fields},
                {"pattern": format!("^custom\\.{}", &domain::custom_fields::CUSTOM_FIELD_KEY_PATTERN[1..])}
            ]}}),
        ),
        // Messages and tags need something visible, besides having no control characters.
        ("/SendMessageRequest/properties/body", json!({"pattern": domain::TAG_PATTERN})),
        ("/CreateCannedResponse/properties/body", json!({"pattern": domain::TAG_PATTERN})),
        ("/VisitorDetailsRequest/properties/message", json!({"pattern": domain::TAG_PATTERN})),
        ("/ConversationTagRequest/properties/tag", json!({"pattern": domain::TAG_PATTERN})),
        ("/CreateCardRequest/properties/title", json!({"pattern": domain::TAG_PATTERN})),
        ("/UpdateCardRequest/properties/title", json!({"pattern": domain::TAG_PATTERN})),
        ("/CreateCommentRequest/properties/body", json!({"pattern": domain::TAG_PATTERN})),
        ("/BaseComment/properties/body", json!({"pattern": domain::TAG_PATTERN})),
    ];
    for (pointer, extra) in rules {
        let target = doc.pointer_mut(&format!("/components/schemas{pointer}"));
        let target = target.and_then(Value::as_object_mut).unwrap_or_else(|| panic!("no schema at {pointer}"));
        for (key, value) in extra.as_object().expect("rules are objects") {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// Shared error responses, referenced from `components.responses`.
const SHARED_RESPONSES: [(&str, &str, &str); 10] = [
    ("400", "BadRequest", "Malformed request: the body is not valid JSON, or the query string cannot be read"),
    ("401", "Unauthorized", "Missing, invalid or expired credentials (an API key where only a user's token is taken)"),
    ("403", "Forbidden", "Not allowed: an API key without the scope this operation needs"),
    ("404", "NotFound", "No such resource in this account (also a malformed id)"),
    ("413", "PayloadTooLarge", "The request body is over the configured limit"),
    ("415", "UnsupportedMediaType", "The body is not declared as `application/json`"),
    ("422", "UnprocessableEntity", "Invalid fields; each is named in `errors`"),
    ("429", "TooManyRequests", "Rate limited; retry after `Retry-After` seconds"),
    ("500", "InternalError", "Unexpected failure; the cause is logged, quote `request_id` to support"),
    ("503", "Unavailable", "The database is unreachable; retry shortly"),
];

/// Sent with every answer to an API key (`platform::rate_limits::Standing`).
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    ("RateLimit-Limit", "Requests this API key may make per minute (`API_KEY_RATE_PER_MINUTE`)"),
    ("RateLimit-Remaining", "Requests it may still make right now"),
    ("RateLimit-Reset", "Seconds until its full allowance is back"),
];

fn add_shared_responses(doc: &mut Value) {
    let components = doc.as_object_mut().expect("object").entry("components").or_insert_with(|| json!({}));
    let headers = components.as_object_mut().expect("object").entry("headers").or_insert_with(|| json!({}));
    for (name, description) in RATE_LIMIT_HEADERS {
        headers[name] = json!({"description": description, "schema": {"type": "integer", "minimum": 0}});
    }
    let responses = components.as_object_mut().expect("object").entry("responses").or_insert_with(|| json!({}));
    for (status, name, description) in SHARED_RESPONSES {
        let mut response = json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        });
        if status == "429" {
            response["headers"] = json!({"Retry-After": {
                "description": "Seconds to wait before trying again",
                "schema": {"type": "integer", "minimum": 1}
            }});
        }
        responses[name] = response;
    }
    let mut used = std::collections::BTreeSet::new();
    for (path, method, op) in operations_mut(doc) {
        if !matches!(method, "get" | "put" | "post" | "delete" | "patch") {
            continue;
        }
        let op = op.as_object_mut().expect("operation object");
        let public = op.get("security").and_then(Value::as_array).is_none_or(|s| s.is_empty());
        if public {
            op.insert("security".into(), json!([]));
        }
        let has_body = op.contains_key("requestBody");
        let params = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let has_query = params.iter().any(|p| p["in"] == "query");
        let probe = path == "/healthz";
        // Every request with an API key counts against the key's rate (`API_KEY_RATE_PER_MINUTE`).
        let keyed =
            op.get("security").and_then(Value::as_array).is_some_and(|s| s.iter().any(|r| r.get("api_key").is_some()));
        let wanted = [
            ("400", has_body || has_query),
            ("401", !public),
            ("403", keyed),
            ("404", path.contains('{')),
            ("413", has_body),
            ("415", has_body),
            ("422", has_body || has_query),
            ("429", keyed),
            ("500", true),
            ("503", !probe),
        ];
        let responses = op.entry("responses").or_insert_with(|| json!({}));
        let responses = responses.as_object_mut().expect("responses object");
        if keyed {
            // An answer to an API key says where the key stands against its rate.
            for (status, response) in responses.iter_mut() {
                let Some(response) = response.as_object_mut().filter(|_| status.starts_with('2')) else { continue };
                let headers = response.entry("headers").or_insert_with(|| json!({}));
                for name in RATE_LIMIT_HEADERS.map(|(name, _)| name) {
                    headers[name] = json!({"$ref": format!("#/components/headers/{name}")});
                }
            }
        }
        for (status, name, _) in SHARED_RESPONSES {
            let want = wanted.iter().any(|(s, w)| *s == status && *w);
            if want && !responses.contains_key(status) {
                responses.insert(status.into(), json!({"$ref": format!("#/components/responses/{name}")}));
                used.insert(name);
            }
        }
    }
    if let Some(shared) = doc.pointer_mut("/components/responses").and_then(Value::as_object_mut) {
        shared.retain(|name, _| used.contains(name.as_str()));
    }
}

/// Every free-text string, in bodies and parameters alike, refuses control characters
/// (the server answers 422 naming the field), so the spec says so with a pattern.
fn add_text_patterns(doc: &mut Value) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for schema in schemas.values_mut() {
            pattern_free_text(schema);
        }
    }
    for (_, _, op) in operations_mut(doc) {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for param in params {
                if let Some(schema) = param.get_mut("schema") {
                    pattern_free_text(schema);
                }
            }
        }
    }
}

fn pattern_free_text(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else { return };
    let is_string = match obj.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    // Formats such as e-mail, uuid and date-time already rule control characters out; a
    // password's format is only a hint to hide the input.
    let constrained = ["enum", "pattern", "const", "$ref"].iter().any(|k| obj.contains_key(*k))
        || obj.get("format").is_some_and(|f| f != "password");
    if is_string && !constrained {
        obj.insert("pattern".into(), Value::String(domain::text::NO_CONTROL_CHARS_PATTERN.into()));
    }
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Object(children)) = obj.get_mut(key) {
            children.values_mut().for_each(pattern_free_text);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = obj.get_mut(key) {
            pattern_free_text(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = obj.get_mut(key) {
            children.iter_mut().for_each(pattern_free_text);
        }
    }
}

/// Every documented path with its methods (HEAD wherever GET is) and the methods that take
/// query parameters: for 405 answers (`Allow`), HEAD and the query-string check.
pub(crate) fn routes(doc: &Value) -> Vec<crate::platform::http::routing::RouteSpec> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return Vec::new() };
    paths
        .iter()
        .filter_map(|(path, item)| {
            let item = item.as_object()?;
            let op = |m: &str| item.get(&m.to_ascii_lowercase());
            let mut methods: Vec<&'static str> =
                ["GET", "PUT", "POST", "DELETE", "PATCH"].into_iter().filter(|m| op(m).is_some()).collect();
            let with_query = methods
                .iter()
                .copied()
                .filter(|m| {
                    op(m)
                        .and_then(|o| o.get("parameters"))
                        .and_then(Value::as_array)
                        .is_some_and(|params| params.iter().any(|p| p["in"] == "query"))
                })
                .collect();
            let access = methods.iter().filter_map(|m| Some((*m, access(op(m)?)?))).collect();
            if methods.contains(&"GET") {
                methods.insert(1, "HEAD");
            }
            Some(crate::platform::http::routing::RouteSpec { template: path.clone(), methods, with_query, access })
        })
        .collect()
}

/// Who may call the operation: people or an API key with the scope its `api_key` requirement
/// names (`""` for none), such a key only (no `bearer`), people only (`bearer` alone), or
/// `None` for other credentials.
fn access(op: &Value) -> Option<crate::platform::http::routing::Access> {
    use crate::platform::http::routing::Access;
    let requirements = op.get("security")?.as_array()?;
    let people = requirements.iter().any(|r| r.get("bearer").is_some());
    if let Some(scopes) = requirements.iter().find_map(|r| r.get("api_key")) {
        let scope = scopes.as_array()?.first().and_then(Value::as_str).unwrap_or_default().to_string();
        return Some(if people { Access::Key(scope) } else { Access::KeyOnly(scope) });
    }
    people.then_some(Access::PeopleOnly)
}
