//! The list filter lives in the URL, so a filtered list can be shared, reloaded, and
//! walked from the detail screen with the prev/next arrows.

use chrono::{Days, NaiveDate};
use leptos_router::params::ParamsMap;

/// Query keys of the list filter, as the API names them.
pub const KEYS: [&str; 15] = [
    "status",
    "site_id",
    "assignee_id",
    "unassigned",
    "tag",
    "source",
    "medium",
    "channel",
    "rating",
    "from",
    "to",
    "q",
    "sort",
    "has_open_tasks",
    "has_deals",
];

/// A query-string value, percent-encoded.
pub use crate::api::encode;

fn join(pairs: impl Iterator<Item = (String, String)>) -> String {
    pairs.filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(&v))).collect::<Vec<_>>().join("&")
}

/// The filter part of the SPA's URL query.
pub fn ui_query(map: &ParamsMap) -> String {
    join(KEYS.iter().map(|k| (k.to_string(), map.get(k).unwrap_or_default())))
}

/// The URL query with one key replaced (or removed when `value` is empty).
pub fn ui_query_with(map: &ParamsMap, key: &str, value: &str) -> String {
    join(
        KEYS.iter()
            .map(|k| (k.to_string(), if *k == key { value.to_string() } else { map.get(k).unwrap_or_default() })),
    )
}

/// The API's query for the same filter: the date inputs become an instant range, with the
/// "until" day included.
pub fn api_query(map: &ParamsMap) -> String {
    join(KEYS.iter().map(|k| {
        let v = map.get(k).unwrap_or_default();
        let v = match *k {
            "from" => v.parse::<NaiveDate>().map(|d| format!("{d}T00:00:00Z")).unwrap_or_default(),
            "to" => v
                .parse::<NaiveDate>()
                .ok()
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .map(|d| format!("{d}T00:00:00Z"))
                .unwrap_or_default(),
            _ => v,
        };
        (k.to_string(), v)
    }))
}

pub use domain::labels::status_msg;

/// A saved filter's query (the API's, as [`api_query`] writes it) back as the URL's: the
/// instants become the date inputs' days again, "until" being the day before its instant.
pub fn ui_from_api(qs: &str) -> String {
    let day = |v: &str| v.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    qs.split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let value = match key {
                "from" => day(value)?.to_string(),
                "to" => day(value)?.checked_sub_days(Days::new(1))?.to_string(),
                _ => value.to_string(),
            };
            Some(format!("{key}={value}"))
        })
        .collect::<Vec<_>>()
        .join("&")
}
