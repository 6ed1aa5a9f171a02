//! The event catalogue in the spec: the streams' kinds and payload schemas, and OpenAPI 3.1
//! `webhooks` for the kinds a subscription can take, both from `domain::events`.

use serde_json::{json, Value};

/// The kinds the streams carry (not the webhook-only ones), with their schemas' names.
fn stream_kinds() -> Vec<(domain::events::EventKind, &'static str)> {
    domain::events::EventData::schema_names().into_iter().filter(|(kind, _)| !kind.webhook_only()).collect()
}

/// The streams' descriptions end with the event catalogue: each kind and the schema of its
/// `data`, from `domain::events::EventData` so that the list cannot drift from the code.
pub(super) fn add_event_catalogue(doc: &mut Value) {
    let schema = |name: &str| format!("[`{name}`](#/components/schemas/{name})");
    let mut operator = String::from("\n\nEvents (`event:` name → schema of its `data`):\n");
    for (kind, name) in stream_kinds() {
        operator.push_str(&format!("\n- `{}` → {}", kind.as_str(), schema(name)));
    }
    operator.push_str("\n- `reset` → `{}`: what was missed is no longer kept; reload.");
    let visitor = format!(
        "\n\nEvery event's `data` is a {} (the visitor's view: no user, client or owner ids).",
        schema("VisitorEvent")
    );
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let operator_events: serde_json::Map<String, Value> =
        stream_kinds().into_iter().map(|(kind, name)| (kind.as_str().to_string(), reference(name))).collect();
    let visitor_events: serde_json::Map<String, Value> =
        stream_kinds().into_iter().map(|(kind, _)| (kind.as_str().to_string(), reference("VisitorEvent"))).collect();
    for (path, text, events) in
        [("/api/v1/events", operator, operator_events), ("/api/v1/visitor/events", visitor, visitor_events)]
    {
        let operation = doc
            .pointer_mut(&format!("/paths/{}/get", path.replace('/', "~1")))
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no GET {path}"));
        let joined = format!("{}{text}", operation.get("description").and_then(Value::as_str).unwrap_or_default());
        operation.insert("description".into(), Value::String(joined));
        // The same catalogue for tools: event name → schema of its `data`, and on the body
        // (a string of events) as the JSON Schema annotation of what it carries.
        let kinds: Vec<Value> = {
            let mut refs: Vec<Value> = events.values().cloned().collect();
            refs.sort_by_key(|r| r.to_string());
            refs.dedup();
            refs
        };
        operation.insert("x-events".into(), Value::Object(events));
        let body = operation
            .get_mut("responses")
            .and_then(|r| r.pointer_mut("/200/content/text~1event-stream/schema"))
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no event-stream body for GET {path}"));
        body.insert(
            "description".into(),
            json!("Server-sent events: `id:`, `event:` (a kind) and `data:`, one line of JSON of that kind's schema."),
        );
        let carried = if kinds.len() == 1 { kinds[0].clone() } else { json!({ "oneOf": kinds }) };
        body.insert("contentSchema".into(), carried);
    }
}

/// OpenAPI 3.1's `webhooks`: one entry per kind a subscription can take, with the body we
/// POST (`type`, `timestamp`, `data` of that kind's schema) and the signature headers.
pub(super) fn add_webhooks(doc: &mut Value) {
    let names: std::collections::HashMap<_, _> = domain::events::EventData::schema_names().into_iter().collect();
    let header = |name: &str, description: &str| json!({"name": name, "in": "header", "required": true, "description": description, "schema": {"type": "string"}});
    let parameters = json!([
        header("webhook-id", "The message id (`msg_…`): the same on every retry and redelivery; skip one already handled."),
        header("webhook-timestamp", "Unix seconds when this attempt was signed; refuse one more than 5 minutes off."),
        header("webhook-signature", "Space-separated `v1,<base64>`: HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64 after `whsec_` of the secret. Two during a secret rotation: accept either."),
    ]);
    let mut hooks = serde_json::Map::new();
    for kind in domain::webhooks::webhook_kinds() {
        let Some(name) = names.get(&kind) else { continue };
        let body = json!({
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "const": kind.as_str()},
                "timestamp": {"type": "string", "format": "date-time"},
                "data": {"$ref": format!("#/components/schemas/{name}")}
            }
        });
        let id = kind.as_str().replace(['.', '_'], "-");
        hooks.insert(
            kind.as_str().to_string(),
            json!({"post": {
                "operationId": format!("webhook-{id}"),
                "summary": format!("`{}` event", kind.as_str()),
                "description": "POSTed to each subscription taking this kind. Answer 2xx within 5 seconds; anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.",
                "tags": ["webhooks"],
                "security": [],
                "parameters": parameters,
                "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "200": {"description": "Received (any 2xx)"},
                    "400": {"description": "Refused (any other answer): retried on the schedule"}
                }
            }}),
        );
    }
    doc.as_object_mut().expect("a document").insert("webhooks".into(), Value::Object(hooks));
}
