//! Custom contact fields defined per account, and the check of a contact's values.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldKind {
    Text,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Select,
}

impl CustomFieldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomFieldKind::Text => "text",
            CustomFieldKind::Number => "number",
            CustomFieldKind::Date => "date",
            CustomFieldKind::Select => "select",
        }
    }

    pub fn parse(s: &str) -> Option<CustomFieldKind> {
        [CustomFieldKind::Text, CustomFieldKind::Number, CustomFieldKind::Date, CustomFieldKind::Select]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomFieldView {
    pub id: Uuid,
    /// The key under `custom_fields` in contacts.
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    pub options: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomFieldList {
    pub items: Vec<CustomFieldView>,
}

pub(crate) fn validate_key(key: &str) -> Result<(), ValidationError> {
    let ok = key.len() <= 40
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("key")
            .with_message("use lower-case letters, digits and _ (up to 40), starting with a letter".into()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["básico", "família"]}))]
pub struct CreateCustomFieldRequest {
    #[validate(custom(function = "validate_key"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub key: String,
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub label: String,
    pub kind: CustomFieldKind,
    /// Required, non-empty, for `select`.
    #[serde(default)]
    #[validate(length(max = 50, message = "at most 50 options"))]
    #[schema(max_items = 50)]
    pub options: Vec<String>,
}

/// Rename a custom field or change a select's options. The key and kind stay: contacts
/// keep their values under the key, and a new kind would not fit them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Plano contratado", "options": ["básico", "família", "empresa"]}))]
pub struct UpdateCustomFieldRequest {
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub label: Option<String>,
    /// Only for `select`; the whole new list. Contacts keep a value whose option was
    /// removed until it is next edited.
    #[validate(length(max = 50, message = "at most 50 options"))]
    #[schema(max_items = 50)]
    pub options: Option<Vec<String>>,
}

/// A custom field's key: what `#[schema(pattern)]` on the key says, for the keys of a
/// `custom_fields` map in the spec (`propertyNames`).
pub const CUSTOM_FIELD_KEY_PATTERN: &str = "^[a-z][a-z0-9_]{0,39}$";

/// Select options as given, trimmed, without blanks and repeats, in their order.
pub fn clean_options(options: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(options.len());
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        if !out.iter().any(|o| o == option) {
            out.push(option.to_string());
        }
    }
    out
}

/// Whether a field may have `options` (already cleaned): a select field needs at least one,
/// another kind none. The error names `options`. For contact fields and board fields alike.
pub fn check_options(is_select: bool, options: &[String]) -> Result<(), crate::FieldError> {
    match is_select {
        true if options.is_empty() => {
            Err(crate::FieldError::new("options", "required", "a select field needs options"))
        }
        true => Ok(()),
        false => Err(crate::FieldError::new("options", "not_select", "only a select field has options")),
    }
}

/// Checks one value against its definition; `null` clears a value and is always allowed.
/// `YYYY-MM-DD` exactly, a real day.
fn is_iso_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' && s.parse::<NaiveDate>().is_ok()
}

pub fn check_custom_value(kind: CustomFieldKind, options: &[String], value: &Value) -> Result<(), String> {
    match (kind, value) {
        (_, Value::Null) => Ok(()),
        (CustomFieldKind::Text, Value::String(s)) if s.chars().count() <= 1000 => Ok(()),
        (CustomFieldKind::Text, _) => Err("must be text of at most 1000 characters".into()),
        (CustomFieldKind::Number, Value::Number(_)) => Ok(()),
        (CustomFieldKind::Number, _) => Err("must be a number".into()),
        (CustomFieldKind::Date, Value::String(s)) if is_iso_date(s) => Ok(()),
        (CustomFieldKind::Date, _) => Err("must be a date as YYYY-MM-DD".into()),
        (CustomFieldKind::Select, Value::String(s)) if options.contains(s) => Ok(()),
        (CustomFieldKind::Select, _) => Err(format!("must be one of: {}", options.join(", "))),
    }
}

/// A value typed into a spreadsheet cell, as the field's kind stores it: numbers written
/// `1234.5`, `1.234,5` or `1,234.5` (the last `.` or `,` is the decimal mark when both come),
/// dates `YYYY-MM-DD` or `DD/MM/YYYY`, a select's option in any letter case. The error says
/// what the field takes, as [`check_custom_value`] does.
pub fn custom_value_from_text(kind: CustomFieldKind, options: &[String], text: &str) -> Result<Value, String> {
    let text = text.trim();
    let value = match kind {
        CustomFieldKind::Text => Value::String(text.to_string()),
        CustomFieldKind::Number => {
            let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let decimal = digits.rfind([',', '.']);
            let plain: String = digits
                .char_indices()
                .filter_map(|(at, c)| match c {
                    ',' | '.' if Some(at) == decimal => Some('.'),
                    ',' | '.' => None,
                    c => Some(c),
                })
                .collect();
            // A lone mark is the decimal one: `1,234` is 1.234, as a pt-BR sheet means it.
            match plain.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(n) => Value::Number(n),
                None => return Err("must be a number".into()),
            }
        }
        CustomFieldKind::Date => match NaiveDate::parse_from_str(text, "%d/%m/%Y") {
            Ok(day) => Value::String(day.format("%Y-%m-%d").to_string()),
            Err(_) => Value::String(text.to_string()),
        },
        CustomFieldKind::Select => {
            let lower = text.to_lowercase();
            let option = options.iter().find(|o| o.to_lowercase() == lower);
            Value::String(option.cloned().unwrap_or_else(|| text.to_string()))
        }
    };
    check_custom_value(kind, options, &value).map(|_| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_are_cleaned_and_only_a_select_field_has_them() {
        let given: Vec<String> = [" a ", "", "b", "a", "  "].iter().map(|s| s.to_string()).collect();
        assert_eq!(clean_options(&given), ["a", "b"]);
        assert!(check_options(true, &clean_options(&given)).is_ok());
        assert_eq!(check_options(true, &[]).unwrap_err().code, "required");
        assert_eq!(check_options(false, &["a".into()]).unwrap_err().code, "not_select");
    }

    #[test]
    fn values_must_fit_their_field() {
        let opts = vec!["a".to_string(), "b".to_string()];
        assert!(check_custom_value(CustomFieldKind::Number, &[], &json!(3.5)).is_ok());
        assert!(check_custom_value(CustomFieldKind::Number, &[], &json!("3")).is_err());
        assert!(check_custom_value(CustomFieldKind::Date, &[], &json!("2026-02-28")).is_ok());
        assert!(check_custom_value(CustomFieldKind::Date, &[], &json!("28/02/2026")).is_err());
        assert!(check_custom_value(CustomFieldKind::Select, &opts, &json!("b")).is_ok());
        assert!(check_custom_value(CustomFieldKind::Select, &opts, &json!("c")).is_err());
        assert!(check_custom_value(CustomFieldKind::Text, &[], &json!(null)).is_ok());
    }

    #[test]
    fn spreadsheet_cells_become_typed_values() {
        let opts = vec!["Gold".to_string(), "Silver".to_string()];
        let num = |t: &str| custom_value_from_text(CustomFieldKind::Number, &[], t);
        assert_eq!(num("1234.5"), Ok(json!(1234.5)));
        assert_eq!(num("1.234,5"), Ok(json!(1234.5)));
        assert_eq!(num("1,234.50"), Ok(json!(1234.5)));
        assert_eq!(num(" 12 500,50 "), Ok(json!(12500.5)));
        assert_eq!(num("-3"), Ok(json!(-3.0)));
        assert!(num("doze").is_err());
        let date = |t: &str| custom_value_from_text(CustomFieldKind::Date, &[], t);
        assert_eq!(date("31/01/2026"), Ok(json!("2026-01-31")));
        assert_eq!(date("2026-01-31"), Ok(json!("2026-01-31")));
        assert!(date("31/02/2026").is_err());
        assert_eq!(custom_value_from_text(CustomFieldKind::Select, &opts, "gold"), Ok(json!("Gold")));
        assert!(custom_value_from_text(CustomFieldKind::Select, &opts, "Bronze").is_err());
        assert_eq!(custom_value_from_text(CustomFieldKind::Text, &[], " CPF 1 "), Ok(json!("CPF 1")));
    }

    #[test]
    fn keys_are_identifiers() {
        assert!(validate_key("plan_2").is_ok());
        for bad in ["Plan", "2plan", "plan-x", ""] {
            assert!(validate_key(bad).is_err(), "{bad}");
        }
    }
}
