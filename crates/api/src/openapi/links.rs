//! OpenAPI links, derived from the paths (`finish` calls [`add_links`]).

use serde_json::{json, Value};

/// OpenAPI links from each operation that creates something to the operations on it: the new
/// id (`$response.body#/id`, or `#/key/id` where the answer wraps it) fills the child path's
/// new parameter, the parent's parameters carry over. Stateful testers (schemathesis) and
/// documentation follow them; a path with a further id nothing here supplies gets none.
/// Cards are created under their board and live at `/cards/{id}`, linked by hand.
pub(super) fn add_links(doc: &mut Value) {
    let schemas = doc.pointer("/components/schemas").cloned().unwrap_or_default();
    // Where a response schema holds the created thing's id.
    let id_pointer = |schema: &Value| -> Option<String> {
        let name = schema.get("$ref")?.as_str()?.rsplit('/').next()?;
        let props = schemas.get(name)?.get("properties")?.as_object()?;
        if props.contains_key("id") {
            return Some("/id".into());
        }
        props.iter().find_map(|(field, prop)| {
            let inner = prop.get("$ref")?.as_str()?.rsplit('/').next()?;
            schemas.get(inner)?.pointer("/properties/id").map(|_| format!("/{field}/id"))
        })
    };
    let params_of = |path: &str| -> Vec<String> {
        path.split('/').filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}').map(str::to_string)).collect()
    };
    let Some(paths) = doc.get("paths").and_then(Value::as_object).cloned() else { return };
    let mut links: Vec<(String, String, serde_json::Map<String, Value>)> = Vec::new();
    for (parent, item) in &paths {
        let Some(created) = item.pointer("/post/responses/201/content/application~1json/schema") else { continue };
        let Some(pointer) = id_pointer(created) else { continue };
        let known = params_of(parent);
        // Children: the parent plus one segment `{new}`, then anything without other new ids.
        let targets: Vec<(String, String)> = paths
            .keys()
            .filter_map(|child| {
                let rest = child.strip_prefix(parent.as_str())?.strip_prefix("/{")?;
                let (new, _) = rest.split_once('}')?;
                let extra = params_of(child).into_iter().filter(|p| !known.contains(p) && p != new).count();
                (extra == 0).then(|| (child.clone(), new.to_string()))
            })
            .chain(
                (parent == "/api/v1/boards/{id}/cards")
                    .then(|| {
                        paths
                            .keys()
                            .filter(|k| k.starts_with("/api/v1/cards/{id}") && params_of(k).len() == 1)
                            .map(|k| (k.clone(), "id".to_string()))
                            .collect::<Vec<_>>()
                    })
                    .into_iter()
                    .flatten(),
            )
            .collect();
        let mut map = serde_json::Map::new();
        for (child, new) in targets {
            let Some(ops) = paths.get(&child).and_then(Value::as_object) else { continue };
            for op in ops.values() {
                let Some(op_id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let mut parameters = serde_json::Map::new();
                parameters.insert(format!("path.{new}"), json!(format!("$response.body#{pointer}")));
                if !child.starts_with("/api/v1/cards/") {
                    for p in params_of(&child).into_iter().filter(|p| *p != new) {
                        parameters.insert(format!("path.{p}"), json!(format!("$request.path.{p}")));
                    }
                }
                map.insert(op_id.to_string(), json!({"operationId": op_id, "parameters": parameters}));
            }
        }
        if !map.is_empty() {
            links.push((parent.clone(), "201".into(), map));
        }
    }
    for (parent, status, map) in links {
        if let Some(response) = doc
            .pointer_mut(&format!("/paths/{}/post/responses/{status}", parent.replace('/', "~1")))
            .and_then(Value::as_object_mut)
        {
            response.insert("links".into(), Value::Object(map));
        }
    }
}
