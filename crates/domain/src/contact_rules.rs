//! The rules of editing a client (contact), without the database: who may assign whom, what
//! a partial update changes, and which lines the change log gets. The handlers check what
//! needs the database (the assignee is an active user, custom fields are defined), apply
//! these, and write.

use serde_json::Value;
use uuid::Uuid;

use crate::contacts::{ContactView, Location, UpdateContactRequest};
use crate::phone::Phone;
use crate::{Email, FieldError};

/// Why a caller may not do what they asked (403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// The assignee of a client a person creates: an admin picks anyone or nobody; an agent's
/// client is their own (naming someone else is refused).
pub fn assignee_for_new_contact(
    caller: Uuid,
    is_admin: bool,
    requested: Option<Uuid>,
) -> Result<Option<Uuid>, Refused> {
    match requested {
        _ if is_admin => Ok(requested),
        Some(other) if other != caller => Err(Refused("Only admins can assign contacts to others.")),
        _ => Ok(Some(caller)),
    }
}

/// Only admins reassign an existing client (naming the same assignee is still a reassign).
pub fn may_reassign(is_admin: bool, req: &UpdateContactRequest) -> Result<(), Refused> {
    if req.assignee_id.is_some() && !is_admin {
        return Err(Refused("Only admins can reassign contacts."));
    }
    Ok(())
}

/// Trimmed; blank is none.
pub fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Trimmed, blank ones dropped, first occurrence kept, order kept.
pub fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

/// A partial update: absent fields stay, `null` clears, custom fields merge key by key
/// (`null` removes one). An e-mail or phone that does not parse is refused naming it.
pub fn apply_contact_patch(mut contact: ContactView, req: UpdateContactRequest) -> Result<ContactView, FieldError> {
    if let Some(name) = req.name {
        contact.name = clean(name);
    }
    if let Some(email) = req.email {
        contact.email = Email::parse_field(email.as_deref(), "email")?.map(Email::into_string);
    }
    if let Some(phone) = req.phone {
        contact.phone = Phone::parse_field(phone.as_deref(), "phone")?.map(Phone::into_string);
        contact.whatsapp_url = contact.phone.as_deref().map(crate::whatsapp_link);
    }
    if let Some(hours) = req.contact_hours {
        contact.contact_hours = clean(hours);
    }
    if let Some(location) = req.location {
        contact.location =
            Location { city: clean(location.city), region: clean(location.region), country: clean(location.country) };
        contact.location_from_ip = false;
    }
    if let Some(rating) = req.rating {
        contact.rating = rating;
    }
    if let Some(status) = req.status {
        contact.status = status;
    }
    if let Some(assignee) = req.assignee_id {
        contact.assignee_id = assignee;
    }
    if let Some(tags) = req.tags {
        contact.tags = normalize_tags(tags);
    }
    if let (Some(Value::Object(changes)), Some(current)) = (req.custom_fields, contact.custom_fields.as_object_mut()) {
        for (key, value) in changes {
            if value.is_null() {
                current.remove(&key);
            } else {
                current.insert(key, value);
            }
        }
    }
    if let Some(blocked) = req.blocked {
        contact.blocked = blocked;
    }
    Ok(contact)
}

/// One change-log line: the field, its value before and after (None: no value).
pub type ContactChange = (&'static str, Option<Value>, Option<Value>);

/// The change log's lines from `old` to `new`, one per field that differs, in the order the
/// client screen lists fields.
pub fn contact_changes(old: &ContactView, new: &ContactView) -> Vec<ContactChange> {
    const FIELDS: [&str; 20] = [
        "site_id",
        "name",
        "email",
        "phone",
        "contact_hours",
        "location",
        "first_contact_at",
        "page_url",
        "source",
        "medium",
        "campaign",
        "referrer",
        "ip",
        "channel",
        "rating",
        "status",
        "assignee_id",
        "tags",
        "custom_fields",
        "blocked",
    ];
    let (a, b) = (serde_json::to_value(old).unwrap_or_default(), serde_json::to_value(new).unwrap_or_default());
    FIELDS
        .into_iter()
        .filter(|f| a.get(f) != b.get(f))
        .map(|f| (f, a.get(f).cloned().filter(|v| !v.is_null()), b.get(f).cloned().filter(|v| !v.is_null())))
        .collect()
}

/// What a merge leaves on the client that stays, for the fields a person compares before
/// merging: the kept client's own values, its empty ones filled from the other, tags joined
/// and the earlier first contact. The server's merge applies the same rule to every column.
pub fn merge_preview(keep: &ContactView, other: &ContactView) -> ContactView {
    let mut merged = keep.clone();
    let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    };
    fill(&mut merged.name, &other.name);
    fill(&mut merged.email, &other.email);
    fill(&mut merged.phone, &other.phone);
    merged.assignee_id = keep.assignee_id.or(other.assignee_id);
    for tag in &other.tags {
        if !merged.tags.contains(tag) {
            merged.tags.push(tag.clone());
        }
    }
    merged.first_contact_at = keep.first_contact_at.min(other.first_contact_at);
    merged
}

/// The change log's record of a client merged into another: its id and each field it had,
/// by the change log's field names (location flattened to city, region, country), so the
/// line reads "Name: Maria; Phone: +55…" rather than a dump of the client.
pub fn merge_record(merged_away: &ContactView) -> Value {
    let c = merged_away;
    let mut record = serde_json::Map::new();
    record.insert("id".into(), Value::String(c.id.to_string()));
    let texts = [
        ("name", &c.name),
        ("email", &c.email),
        ("phone", &c.phone),
        ("city", &c.location.city),
        ("region", &c.location.region),
        ("country", &c.location.country),
        ("source", &c.source),
        ("medium", &c.medium),
        ("campaign", &c.campaign),
    ];
    for (key, value) in texts {
        if let Some(v) = value {
            record.insert(key.into(), Value::String(v.clone()));
        }
    }
    record.insert("status".into(), Value::String(c.status.as_str().into()));
    if let Some(a) = c.assignee_id {
        record.insert("assignee_id".into(), Value::String(a.to_string()));
    }
    if !c.tags.is_empty() {
        record.insert("tags".into(), Value::from(c.tags.clone()));
    }
    record.insert("first_contact_at".into(), Value::String(c.first_contact_at.to_rfc3339()));
    Value::Object(record)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn contact() -> ContactView {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "site_id": null, "name": "Ana", "email": "ana@x.test", "phone": null,
            "whatsapp_url": null, "contact_hours": null, "location": {"city": "Recife", "region": null, "country": null},
            "first_contact_at": "2026-12-01T10:00:00Z", "page_url": null, "source": "google", "medium": null,
            "campaign": null, "referrer": null, "ip": null, "channel": "manual", "rating": null, "status": "to_contact",
            "assignee_id": Uuid::from_u128(2), "tags": ["vip"], "custom_fields": {"porte": "médio"}, "blocked": false,
            "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z",
        }))
        .unwrap()
    }

    fn patch(value: Value) -> UpdateContactRequest {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn agents_own_the_clients_they_create_and_only_admins_assign_or_reassign() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(assignee_for_new_contact(me, false, None), Ok(Some(me)));
        assert_eq!(assignee_for_new_contact(me, false, Some(me)), Ok(Some(me)));
        assert!(assignee_for_new_contact(me, false, Some(other)).is_err());
        assert_eq!(assignee_for_new_contact(me, true, Some(other)), Ok(Some(other)));
        assert_eq!(assignee_for_new_contact(me, true, None), Ok(None), "an admin may leave it unassigned");
        let reassign = patch(json!({"assignee_id": other}));
        assert!(may_reassign(false, &reassign).is_err());
        assert!(may_reassign(true, &reassign).is_ok());
        assert!(may_reassign(false, &patch(json!({"name": "Bia"}))).is_ok());
    }

    #[test]
    fn a_patch_trims_clears_merges_and_logs_only_what_changed() {
        let old = contact();
        let new = apply_contact_patch(
            old.clone(),
            patch(json!({
                "name": "  Ana Souza ", "email": null, "phone": "(81) 98765-4321", "tags": [" vip", "quente", "vip"],
                "custom_fields": {"porte": null, "origem": "feira"}, "location": {"city": "Recife"},
            })),
        )
        .unwrap();
        assert_eq!(new.name.as_deref(), Some("Ana Souza"));
        assert_eq!(new.email, None);
        assert_eq!(new.phone.as_deref(), Some("+5581987654321"));
        assert_eq!(new.whatsapp_url.as_deref(), Some("https://wa.me/5581987654321"));
        assert_eq!(new.tags, ["vip", "quente"]);
        assert_eq!(new.custom_fields, json!({"origem": "feira"}));
        let fields: Vec<&str> = contact_changes(&old, &new).into_iter().map(|c| c.0).collect();
        assert_eq!(fields, ["name", "email", "phone", "tags", "custom_fields"], "location is the same");
        assert!(contact_changes(&old, &apply_contact_patch(old.clone(), patch(json!({}))).unwrap()).is_empty());
    }

    #[test]
    fn a_bad_phone_is_refused_naming_it() {
        let err = apply_contact_patch(contact(), patch(json!({"phone": "ligar à tarde"}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("phone", "phone"));
    }

    #[test]
    fn a_merge_keeps_this_clients_values_and_fills_the_rest_from_the_other() {
        let keep = contact();
        let mut other = contact();
        other.name = Some("Ana Souza".into());
        other.email = None;
        other.phone = Some("+5581987654321".into());
        other.assignee_id = Some(Uuid::from_u128(3));
        other.tags = vec!["quente".into(), "vip".into()];
        other.first_contact_at = "2026-11-20T08:00:00Z".parse().unwrap();
        let merged = merge_preview(&keep, &other);
        assert_eq!(merged.name.as_deref(), Some("Ana"), "this client's name stays");
        assert_eq!(merged.email.as_deref(), Some("ana@x.test"));
        assert_eq!(merged.phone.as_deref(), Some("+5581987654321"), "an empty field is filled");
        assert_eq!(merged.assignee_id, Some(Uuid::from_u128(2)));
        assert_eq!(merged.tags, ["vip", "quente"], "tags joined, once each");
        assert_eq!(merged.first_contact_at, other.first_contact_at, "the earlier first contact");
    }

    #[test]
    fn a_merged_client_is_logged_field_by_field_not_as_a_dump() {
        let record = merge_record(&contact());
        assert_eq!(
            record,
            json!({
                "id": Uuid::from_u128(1), "name": "Ana", "email": "ana@x.test", "city": "Recife", "source": "google",
                "status": "to_contact", "assignee_id": Uuid::from_u128(2), "tags": ["vip"],
                "first_contact_at": "2026-12-01T10:00:00+00:00",
            })
        );
        for key in record.as_object().unwrap().keys().filter(|k| *k != "id") {
            assert!(crate::labels::activity_field_msg(key).is_some(), "{key} has a label in the change log");
        }
    }
}
