//! Editing a card: what a `PATCH /cards/{id}` changes and what the board history records of
//! it. Pure: the handler checks what needs the database (the contact, labels, members and
//! custom-field definitions exist and may be used), then applies this and writes the result.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::cards::UpdateCardRequest;
use crate::money::{to_minor, Money};

/// The fields of a card a PATCH may edit.
#[derive(Debug, Clone, PartialEq)]
pub struct CardFields {
    pub title: String,
    pub description: String,
    pub contact_id: Option<Uuid>,
    pub value: Option<Money>,
    pub product: Option<String>,
    /// Field key → value; a key absent has no value.
    pub custom_fields: Map<String, Value>,
    /// Sorted, without repeats.
    pub label_ids: Vec<Uuid>,
    /// Sorted, without repeats.
    pub member_ids: Vec<Uuid>,
}

/// One line of the board history: `field` went from `old` to `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

impl FieldChange {
    fn new(field: impl Into<String>, old: Value, new: Value) -> FieldChange {
        FieldChange { field: field.into(), old, new }
    }
}

/// Applies `req` to `old`: the card's new fields and its history lines, in the order the
/// history shows them (custom fields, labels, members, then title, description, contact,
/// value, product). No lines: nothing changed, and the card keeps its version.
pub fn apply_card_patch(old: &CardFields, req: &UpdateCardRequest) -> (CardFields, Vec<FieldChange>) {
    let mut new = old.clone();
    let mut changes = Vec::new();
    if let Some(title) = &req.title {
        new.title = title.trim().to_string();
    }
    if let Some(description) = &req.description {
        new.description = description.trim().to_string();
    }
    if let Some(contact) = req.contact_id {
        new.contact_id = contact;
    }
    if let Some(value) = &req.value {
        new.value = value.as_ref().and_then(normalized);
    }
    if let Some(product) = &req.product {
        new.product = product.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    }
    if let Some(values) = &req.custom_fields {
        for (key, value) in values {
            let before = new.custom_fields.get(key).cloned().unwrap_or(Value::Null);
            if &before == value {
                continue;
            }
            changes.push(FieldChange::new(format!("custom_fields.{key}"), before, value.clone()));
            if value.is_null() {
                new.custom_fields.remove(key);
            } else {
                new.custom_fields.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(ids) = &req.label_ids {
        new.label_ids = sorted_set(ids);
        if new.label_ids != old.label_ids {
            changes.push(FieldChange::new("labels", json!(old.label_ids), json!(new.label_ids)));
        }
    }
    if let Some(ids) = &req.member_ids {
        new.member_ids = sorted_set(ids);
        if new.member_ids != old.member_ids {
            changes.push(FieldChange::new("members", json!(old.member_ids), json!(new.member_ids)));
        }
    }
    let scalars = [
        ("title", json!(old.title), json!(new.title)),
        ("description", json!(old.description), json!(new.description)),
        ("contact_id", json!(old.contact_id), json!(new.contact_id)),
        ("value", json!(old.value), json!(new.value)),
        ("product", json!(old.product), json!(new.product)),
    ];
    for (field, a, b) in scalars {
        if a != b {
            changes.push(FieldChange::new(field, a, b));
        }
    }
    (new, changes)
}

/// Money as stored: its amount written with the currency's decimals (`10.5` BRL → `10.50`),
/// so the same amount written two ways is no change. None for an amount that does not fit
/// (the request's validation refuses it first).
pub fn normalized(money: &Money) -> Option<Money> {
    to_minor(&money.amount, &money.currency).ok().map(|minor| Money::from_minor(minor, &money.currency))
}

fn sorted_set(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> CardFields {
        CardFields {
            title: "Ana — site".into(),
            description: String::new(),
            contact_id: None,
            value: Some(Money { amount: "1500.00".into(), currency: "BRL".into() }),
            product: None,
            custom_fields: Map::from_iter([("origem".to_string(), json!("google"))]),
            label_ids: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            member_ids: vec![],
        }
    }

    fn patch(value: Value) -> UpdateCardRequest {
        serde_json::from_value(value).unwrap()
    }

    fn fields(changes: &[FieldChange]) -> Vec<&str> {
        changes.iter().map(|c| c.field.as_str()).collect()
    }

    #[test]
    fn an_empty_patch_or_the_same_values_written_again_change_nothing() {
        let old = card();
        for same in [
            json!({}),
            json!({"title": "  Ana — site ", "value": {"amount": "1500", "currency": "BRL"}}),
            json!({"label_ids": [Uuid::from_u128(2), Uuid::from_u128(1), Uuid::from_u128(2)]}),
            json!({"custom_fields": {"origem": "google"}, "product": "  "}),
        ] {
            let (new, changes) = apply_card_patch(&old, &patch(same.clone()));
            assert_eq!((new, changes), (old.clone(), vec![]), "{same}");
        }
    }

    #[test]
    fn each_change_is_one_history_line_in_the_order_the_history_shows() {
        let contact = Uuid::from_u128(9);
        let (new, changes) = apply_card_patch(
            &card(),
            &patch(json!({
                "title": "Ana — loja", "contact_id": contact, "value": null, "product": " Plano anual ",
                "custom_fields": {"origem": null, "porte": "médio"}, "member_ids": [Uuid::from_u128(3)],
            })),
        );
        assert_eq!(
            fields(&changes),
            ["custom_fields.origem", "custom_fields.porte", "members", "title", "contact_id", "value", "product"]
        );
        assert_eq!(new.product.as_deref(), Some("Plano anual"));
        assert_eq!(new.value, None);
        assert_eq!(new.contact_id, Some(contact));
        assert_eq!(new.custom_fields, Map::from_iter([("porte".to_string(), json!("médio"))]), "null clears a key");
        let value = changes.iter().find(|c| c.field == "value").unwrap();
        assert_eq!(
            (value.old.clone(), value.new.clone()),
            (json!({"amount": "1500.00", "currency": "BRL"}), Value::Null)
        );
    }

    #[test]
    fn labels_are_a_set_and_only_a_different_set_is_a_change() {
        let (new, changes) = apply_card_patch(&card(), &patch(json!({"label_ids": [Uuid::from_u128(2)]})));
        assert_eq!(new.label_ids, vec![Uuid::from_u128(2)]);
        assert_eq!(changes, vec![FieldChange::new("labels", json!(card().label_ids), json!([Uuid::from_u128(2)]))]);
    }

    #[test]
    fn money_is_compared_as_stored() {
        let m = |amount: &str, currency: &str| Money { amount: amount.into(), currency: currency.into() };
        assert_eq!(normalized(&m("10.5", "BRL")), Some(m("10.50", "BRL")));
        assert_eq!(normalized(&m("7", "JPY")), Some(m("7", "JPY")));
        assert_eq!(normalized(&m("abc", "BRL")), None);
    }
}
