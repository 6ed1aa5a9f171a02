//! Reads Prospecta's OpenAPI 3.1 document as the OpenAPI 3.0 that progenitor (through the
//! `openapiv3` crate) understands. Only what 3.0 cannot say is rewritten, and never in a way
//! that lets a client send what the server refuses: a nullable type array becomes `nullable`,
//! a `oneOf` with `null` becomes the other branch made nullable, `const` becomes a one-value
//! `enum`, a `$ref` with siblings is wrapped in `allOf`; the checks 3.0 has no word for
//! (`propertyNames`, `if`/`then`/`else`) are dropped and left to the server, whose 422 names
//! the field. The 3.1-only top-level parts (`webhooks`, path items in components) are dropped:
//! a client sends requests, it does not receive webhooks. Where an operation takes JSON among
//! other request types, the client keeps JSON (progenitor generates one body per operation).
use serde_json::{json, Map, Value};

/// The 3.0 reading of a 3.1 document, changed in place.
pub fn downgrade(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else { return };
    root.insert("openapi".into(), json!("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect"] {
        root.remove(key);
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
        for schema in values_mut(components.get_mut("schemas")) {
            schema_30(schema);
        }
        for kind in ["parameters", "headers"] {
            for parameter in values_mut(components.get_mut(kind)) {
                parameter_30(parameter);
            }
        }
        for body in values_mut(components.get_mut("requestBodies")) {
            content_30(body);
        }
        for response in values_mut(components.get_mut("responses")) {
            response_30(response);
        }
    }
    let components_responses = root.get("components").and_then(|c| c.get("responses")).cloned();
    let mut unions = Vec::new();
    for item in values_mut(root.get_mut("paths")) {
        let Some(item) = item.as_object_mut() else { continue };
        for parameter in array_mut(item.get_mut("parameters")) {
            parameter_30(parameter);
        }
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            for parameter in array_mut(operation.get_mut("parameters")) {
                parameter_30(parameter);
            }
            if let Some(body) = operation.get_mut("requestBody") {
                content_30(body);
                json_body_only(body);
            }
            for response in values_mut(operation.get_mut("responses")) {
                response_30(response);
            }
            let name = operation.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                unions.extend(one_type_per_outcome(&name, responses, components_responses.as_ref()));
            }
        }
    }
    if let Some(schemas) = root.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_object_mut)
    {
        schemas.extend(unions);
    }
}

fn values_mut(map: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    map.and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut())
}

fn array_mut(list: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    list.and_then(Value::as_array_mut).into_iter().flatten()
}

/// progenitor types only `application/json` answers; a problem (`application/problem+json`)
/// is JSON too, and typed it gives an integrator its `detail` and the field `errors`.
fn problem_as_json(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { return };
    if let Some(problem) = content.remove("application/problem+json") {
        content.entry("application/json").or_insert(problem);
    }
}

/// progenitor gives an operation one success type and one error type. Where the answers
/// differ (a dry-run import previews, a real one queues a job; a stale card's 412 carries the
/// current card, other errors a problem), each answer's schema becomes the `anyOf` of them all,
/// which typify reads as an untagged enum.
fn one_type_per_outcome(
    operation: &str,
    responses: &mut Map<String, Value>,
    shared: Option<&Value>,
) -> Vec<(String, Value)> {
    let mut unions = Vec::new();
    for success in [true, false] {
        let mut schemas: Vec<Value> = Vec::new();
        for (status, response) in responses.iter_mut() {
            if status.starts_with('2') != success {
                continue;
            }
            if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                let name = reference.rsplit('/').next().unwrap_or_default();
                if let Some(resolved) = shared.and_then(|r| r.get(name)) {
                    *response = resolved.clone();
                }
            }
            for media in values_mut(response.get_mut("content")) {
                if let Some(schema) = media.get("schema") {
                    if !schemas.contains(schema) {
                        schemas.push(schema.clone());
                    }
                }
            }
        }
        if schemas.len() < 2 {
            continue;
        }
        let name = format!("{}{}", pascal(operation), if success { "Answer" } else { "Failure" });
        let either = json!({ "$ref": format!("#/components/schemas/{name}") });
        for (status, response) in responses.iter_mut() {
            if status.starts_with('2') == success {
                for media in values_mut(response.get_mut("content")) {
                    media["schema"] = either.clone();
                }
            }
        }
        unions.push((name, json!({ "anyOf": schemas })));
    }
    unions
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// progenitor takes one request type per operation: where JSON is one of several (the CSV
/// import also takes `text/csv`), the client sends JSON, which carries the same fields.
fn json_body_only(body: &mut Value) {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else { return };
    if content.len() > 1 && content.contains_key("application/json") {
        content.retain(|media, _| media == "application/json");
    }
}

fn parameter_30(parameter: &mut Value) {
    if let Some(schema) = parameter.get_mut("schema") {
        schema_30(schema);
    }
    content_30(parameter);
}

fn response_30(response: &mut Value) {
    content_30(response);
    problem_as_json(response);
    for header in values_mut(response.get_mut("headers")) {
        parameter_30(header);
    }
}

fn content_30(holder: &mut Value) {
    for media in values_mut(holder.get_mut("content")) {
        if let Some(schema) = media.get_mut("schema") {
            schema_30(schema);
        }
    }
}

/// One schema and everything under it.
pub fn schema_30(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else { return };
    for key in ["properties", "patternProperties", "$defs"] {
        for child in values_mut(object.get_mut(key)) {
            schema_30(child);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get_mut(key) {
            schema_30(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for child in array_mut(object.get_mut(key)) {
            schema_30(child);
        }
    }
    for key in ["propertyNames", "if", "then", "else", "contentMediaType", "contentEncoding", "$schema", "prefixItems"]
    {
        object.remove(key);
    }
    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(examples)) = object.get("examples") {
        let first = examples.first().cloned();
        object.remove("examples");
        if let Some(first) = first {
            object.insert("example".into(), first);
        }
    }
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(bound) = object.get(exclusive).filter(|b| b.is_number()).cloned() {
            object.insert(inclusive.into(), bound);
            object.insert(exclusive.into(), json!(true));
        }
    }
    nullable_type(object);
    for key in ["oneOf", "anyOf"] {
        nullable_branch(object, key);
    }
    ref_with_siblings(object);
}

/// `"type": ["string", "null"]` → `"type": "string", "nullable": true`.
fn nullable_type(object: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = object.get("type") else { return };
    let null = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    match rest.len() {
        1 => {
            object.insert("type".into(), rest[0].clone());
        }
        _ => {
            object.remove("type");
        }
    }
    if null {
        object.insert("nullable".into(), json!(true));
    }
}

/// `oneOf: [X, {type: null}]` → X made nullable (a `$ref` wrapped in `allOf`).
fn nullable_branch(object: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(branches)) = object.get(key) else { return };
    let is_null = |b: &Value| b.get("type") == Some(&json!("null"));
    if !branches.iter().any(is_null) {
        return;
    }
    let rest: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
    object.remove(key);
    object.insert("nullable".into(), json!(true));
    if rest.len() != 1 {
        object.insert(key.into(), Value::Array(rest));
        return;
    }
    match rest.into_iter().next() {
        Some(Value::Object(only)) if only.contains_key("$ref") => {
            object.insert("allOf".into(), json!([only]));
        }
        Some(Value::Object(only)) => {
            for (k, v) in only {
                object.entry(k).or_insert(v);
            }
        }
        _ => {}
    }
}

/// 3.0 ignores whatever sits beside a `$ref`; inside `allOf` the siblings keep their meaning.
fn ref_with_siblings(object: &mut Map<String, Value>) {
    if object.len() > 1 {
        if let Some(reference) = object.remove("$ref") {
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_forms_become_nullable() {
        let mut s = json!({"type": ["string", "null"], "maxLength": 3});
        schema_30(&mut s);
        assert_eq!(s, json!({"type": "string", "maxLength": 3, "nullable": true}));
        let mut s = json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/X"}], "description": "d"});
        schema_30(&mut s);
        assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"}));
    }

    #[test]
    fn three_one_words_become_three_zero_words() {
        let mut s = json!({"const": "a", "examples": ["a"], "exclusiveMinimum": 0, "propertyNames": {"pattern": "x"},
                           "if": {}, "then": {}, "else": {}});
        schema_30(&mut s);
        assert_eq!(s, json!({"enum": ["a"], "example": "a", "minimum": 0, "exclusiveMinimum": true}));
        let mut s = json!({"$ref": "#/components/schemas/X", "description": "d"});
        schema_30(&mut s);
        assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d"}));
    }

    #[test]
    fn nested_schemas_are_reached() {
        let mut doc = json!({"openapi": "3.1.0", "webhooks": {}, "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"properties": {"p": {"type": ["integer", "null"]}}}}}},
            "responses": {"200": {"headers": {"H": {"schema": {"type": ["string", "null"]}}}}}}}}});
        downgrade(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none());
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"]["properties"]["p"]["type"], "integer");
        assert_eq!(op["responses"]["200"]["headers"]["H"]["schema"]["nullable"], true);
    }
}
