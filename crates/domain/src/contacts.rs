//! Contacts (leads): fields, statuses, channels, phone normalisation and the DTOs of the
//! lead CRM.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Where a lead is in the sales cycle: one tab each in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    #[default]
    ToContact,
    InProgress,
    Won,
    Lost,
}

impl ContactStatus {
    pub const ALL: [ContactStatus; 4] =
        [ContactStatus::ToContact, ContactStatus::InProgress, ContactStatus::Won, ContactStatus::Lost];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactStatus::ToContact => "to_contact",
            ContactStatus::InProgress => "in_progress",
            ContactStatus::Won => "won",
            ContactStatus::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<ContactStatus> {
        ContactStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// How a lead arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chatbot,
    LiveChat,
    Form,
    Integration,
    Import,
    Manual,
}

impl Channel {
    pub const ALL: [Channel; 6] =
        [Channel::Chatbot, Channel::LiveChat, Channel::Form, Channel::Integration, Channel::Import, Channel::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chatbot => "chatbot",
            Channel::LiveChat => "live_chat",
            Channel::Form => "form",
            Channel::Integration => "integration",
            Channel::Import => "import",
            Channel::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Who wrote a transcript message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageSender {
    Visitor,
    Bot,
    Agent,
    System,
}

impl MessageSender {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageSender::Visitor => "visitor",
            MessageSender::Bot => "bot",
            MessageSender::Agent => "agent",
            MessageSender::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<MessageSender> {
        [MessageSender::Visitor, MessageSender::Bot, MessageSender::Agent, MessageSender::System]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A tag: at least one visible character (and no control characters, as all text).
pub const TAG_PATTERN: &str =
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

fn validate_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.len() > 30 {
        return Err(ValidationError::new("tags").with_message("at most 30 tags".into()));
    }
    if tags.iter().any(|t| t.trim().is_empty() || t.chars().count() > 50) {
        return Err(ValidationError::new("tags").with_message("each tag must be 1 to 50 characters".into()));
    }
    Ok(())
}

fn validate_custom_fields(v: &serde_json::Value) -> Result<(), ValidationError> {
    match v {
        serde_json::Value::Object(map) if map.len() <= 50 => Ok(()),
        serde_json::Value::Object(_) => {
            Err(ValidationError::new("custom_fields").with_message("at most 50 custom fields".into()))
        }
        _ => Err(ValidationError::new("custom_fields").with_message("must be an object".into())),
    }
}

/// Approximate location of a lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[validate(length(max = 120))]
    #[schema(max_length = 120)]
    pub city: Option<String>,
    #[validate(length(max = 120))]
    #[schema(max_length = 120)]
    pub region: Option<String>,
    #[validate(length(max = 120))]
    #[schema(max_length = 120)]
    pub country: Option<String>,
}

/// A contact as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    pub id: Uuid,
    pub site_id: Option<Uuid>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    #[schema(example = "+5511987654321")]
    pub phone: Option<String>,
    /// `https://wa.me/…` for the phone, for the WhatsApp button.
    pub whatsapp_url: Option<String>,
    /// Preferred contact hours, free text.
    pub contact_hours: Option<String>,
    pub location: Location,
    /// The location is approximate: a GeoIP lookup of the client's address (`GEOIP_DB`),
    /// not given by the lead or a user. Cleared when the location is edited.
    #[serde(default)]
    pub location_from_ip: bool,
    pub first_contact_at: DateTime<Utc>,
    /// Page where the lead was generated.
    pub page_url: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub referrer: Option<String>,
    pub ip: Option<String>,
    pub channel: Channel,
    pub rating: Option<i16>,
    pub status: ContactStatus,
    pub assignee_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub custom_fields: serde_json::Value,
    pub blocked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A contact as a row of the list: what the list screen shows and filters on. The detail
/// (`GET /contacts/{id}`) has every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactSummary {
    pub id: Uuid,
    pub site_id: Option<Uuid>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    /// `https://wa.me/…` for the phone.
    pub whatsapp_url: Option<String>,
    #[serde(serialize_with = "crate::serde_helpers::utc_rfc3339")]
    pub first_contact_at: DateTime<Utc>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub channel: Channel,
    pub rating: Option<i16>,
    pub status: ContactStatus,
    pub assignee_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub blocked: bool,
}

/// One message of a transcript sent with a lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptMessage {
    pub sender: MessageSender,
    #[validate(length(min = 1, max = 10000, message = "must be 1 to 10000 characters"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
    /// Defaults to the time of ingestion, keeping the given order.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A lead from an integration, a form or a chatbot: creates the contact, or updates the
/// one with the same e-mail or phone in the account. An e-mail or a phone is required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "site_id": null, "channel": "chatbot", "name": "Maria Silva", "email": "maria@example.com",
    "phone": "(11) 98765-4321", "page_url": "https://loja.example.com/planos", "source": "google",
    "medium": "cpc", "campaign": "black-friday", "tags": ["plano-familia"],
    "transcript": [{"sender": "bot", "body": "Olá! Qual é o seu nome?"}, {"sender": "visitor", "body": "Maria"}]
}))]
pub struct IngestLeadRequest {
    /// Required with an API key when the account has sites; implied by a site key.
    pub site_id: Option<Uuid>,
    /// Defaults to `integration` (API key) or `form` (site key).
    pub channel: Option<Channel>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Any common format; stored as E.164 (national numbers get +55).
    #[validate(length(max = 40))]
    pub phone: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub contact_hours: Option<String>,
    #[validate(nested)]
    pub location: Option<Location>,
    pub first_contact_at: Option<DateTime<Utc>>,
    #[validate(length(max = 2048))]
    #[schema(max_length = 2048)]
    pub page_url: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub source: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub medium: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub campaign: Option<String>,
    #[validate(length(max = 2048))]
    #[schema(max_length = 2048)]
    pub referrer: Option<String>,
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub ip: Option<String>,
    #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<i16>,
    #[serde(default)]
    #[validate(custom(function = "validate_tags"))]
    pub tags: Vec<String>,
    #[validate(custom(function = "validate_custom_fields"))]
    pub custom_fields: Option<serde_json::Value>,
    #[serde(default)]
    #[validate(length(max = 500, message = "at most 500 messages"), nested)]
    #[schema(max_items = 500)]
    pub transcript: Vec<TranscriptMessage>,
}

impl IngestLeadRequest {
    /// A lead must be reachable: an e-mail or a phone.
    pub fn has_contact_point(&self) -> bool {
        self.email.as_deref().is_some_and(|e| !e.trim().is_empty())
            || self.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IngestLeadResponse {
    pub contact: ContactView,
    /// False when an existing contact (same e-mail or phone) was updated.
    pub created: bool,
    /// The conversation holding the transcript, when one was sent.
    pub conversation_id: Option<Uuid>,
}

/// The answer to a lead sent with a site's public key: the same whether or not the e-mail
/// or phone belongs to a known client, so a public form reveals nothing about clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"received": true}))]
pub struct LeadReceipt {
    /// Always true: the lead was recorded.
    pub received: bool,
}

/// How far in the future a client's clock may be: later `first_contact_at` or `sent_at`
/// values are refused, so nobody pins a lead to the top of the list.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// A contact typed in by a user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "João Souza", "phone": "+55 21 99876-5432", "site_id": null, "tags": ["indicação"]}))]
pub struct CreateContactRequest {
    pub site_id: Option<Uuid>,
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 40))]
    pub phone: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub contact_hours: Option<String>,
    #[validate(nested)]
    pub location: Option<Location>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub source: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub medium: Option<String>,
    #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<i16>,
    pub status: Option<ContactStatus>,
    /// Admins only; agents' contacts are assigned to themselves.
    pub assignee_id: Option<Uuid>,
    #[serde(default)]
    #[validate(custom(function = "validate_tags"))]
    pub tags: Vec<String>,
}

impl CreateContactRequest {
    /// What a manual client lacks: a name, and an e-mail or a phone to reach them by (sorted
    /// by field). The form checks this before sending and the API again on receipt.
    pub fn missing_fields(&self) -> Vec<crate::FieldError> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        let mut missing = Vec::new();
        if blank(&self.email) && blank(&self.phone) {
            missing.push(crate::FieldError::new("email", "required", "an e-mail or a phone is required"));
        }
        if blank(&self.name) {
            missing.push(crate::FieldError::new("name", "required", "is required"));
        }
        if blank(&self.email) && blank(&self.phone) {
            missing.push(crate::FieldError::new("phone", "required", "an e-mail or a phone is required"));
        }
        missing
    }
}

/// Partial update of a contact. `null` clears a field; absent fields are unchanged.
/// Changing `assignee_id` is for admins only.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "in_progress", "rating": 4, "tags": ["quente"]}))]
pub struct UpdateContactRequest {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(value_type = Option<String>, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(length(max = 40))]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(length(max = 200))]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub contact_hours: Option<Option<String>>,
    #[validate(nested)]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
    #[schema(value_type = Option<i16>, minimum = 1, maximum = 5)]
    pub rating: Option<Option<i16>>,
    pub status: Option<ContactStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    #[validate(custom(function = "validate_tags"))]
    pub tags: Option<Vec<String>>,
    #[validate(custom(function = "validate_custom_fields"))]
    pub custom_fields: Option<serde_json::Value>,
    pub blocked: Option<bool>,
}

/// Sort orders of the contact list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    /// First contact, newest first (default).
    #[default]
    Newest,
    /// First contact, oldest first.
    Oldest,
}

/// Filters of the contact list (also for neighbours and CSV export).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, IntoParams, ToSchema, Validate)]
#[into_params(parameter_in = Query)]
pub struct ContactFilter {
    /// The tab; absent means all statuses.
    pub status: Option<ContactStatus>,
    pub site_id: Option<Uuid>,
    /// Admins only (agents always see their own); `unassigned` is not a UUID, see `unassigned`.
    pub assignee_id: Option<Uuid>,
    /// Only contacts without an assignee.
    pub unassigned: Option<bool>,
    /// Contacts having this tag.
    pub tag: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub channel: Option<Channel>,
    /// Minimum rating.
    #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
    #[param(minimum = 1, maximum = 5)]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<i16>,
    /// First contact on or after.
    pub from: Option<DateTime<Utc>>,
    /// First contact before.
    pub to: Option<DateTime<Utc>>,
    /// Free text over name, e-mail, phone and notes.
    pub q: Option<String>,
    pub sort: Option<ContactSort>,
    /// With (`true`) or without (`false`) an open task, on the contact or on one of its cards.
    pub has_open_tasks: Option<bool>,
    /// With (`true`) or without (`false`) a card on a board that is neither lost nor archived.
    pub has_deals: Option<bool>,
}

/// Per-status counts under the current filter (ignoring its status).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusCounts {
    pub to_contact: i64,
    pub in_progress: i64,
    pub won: i64,
    pub lost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<ContactSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
}

/// The contacts before and after one, in the list under the same filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactNeighbors {
    pub prev_id: Option<Uuid>,
    pub next_id: Option<Uuid>,
    /// Where this contact stands in the filtered list (1-based), for "3 of 12"; null when more
    /// than `NEIGHBOR_COUNT_CAP` contacts come before it.
    pub position: Option<i64>,
    /// How many contacts the filter holds, counted up to `NEIGHBOR_COUNT_CAP`.
    pub total: i64,
    /// Whether there are more than `total` (the count stopped at the cap).
    pub total_is_capped: bool,
}

/// Counting a filtered list stops here ("1000+"): an exact count of a million rows costs
/// more than "3 of 1000+" is worth on every client screen.
pub const NEIGHBOR_COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Ligou pedindo orçamento para 3 linhas."}))]
pub struct CreateNoteRequest {
    #[validate(length(min = 1, max = 5000, message = "must be 1 to 5000 characters"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActivityView {
    pub id: i64,
    /// `status`, `assignee_id`, `note`, `tags`, `merge`, `created`… (docs/API.md, "Change log";
    /// a `merge` has the duplicate's id and fields in `new_value`).
    pub field: String,
    pub old_value: Option<serde_json::Value>,
    pub new_value: Option<serde_json::Value>,
    pub actor_user_id: Option<Uuid>,
    /// Who, in words: a user's name, `API key "Chatbot"`, `auto-assignment`…
    pub actor_label: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub sender: MessageSender,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// The operator who wrote an `agent` message in the desk.
    #[serde(default)]
    pub author_id: Option<Uuid>,
    /// A `system` message's code and parameters (`SystemNote`); `body` is then its text in
    /// the reader's language. Kept as JSON here: the SPA only reads `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::SystemNote>)]
    pub note: Option<serde_json::Value>,
}

impl MessageView {
    /// Puts the message as a reader of `lang` reads it: a system note's text in that language.
    pub fn localize(&mut self, lang: crate::i18n::Lang) {
        if let Some(text) = self.note.as_ref().and_then(|note| crate::SystemNote::text_of(note, lang)) {
            self.body = text;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationView {
    pub id: Uuid,
    pub channel: Channel,
    pub site_id: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub messages: Vec<MessageView>,
}

/// Everything the detail screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactDetail {
    pub contact: ContactView,
    pub notes: Vec<NoteView>,
    pub activities: Vec<ActivityView>,
    pub conversations: Vec<ConversationView>,
    /// The client's cards on the boards the caller may see: open ones first, then the most
    /// recently changed.
    #[serde(default)]
    pub cards: Vec<crate::ContactCard>,
    /// When the location is approximate (`contact.location_from_ip`): the credit the GeoIP
    /// database's licence asks to show beside it.
    #[serde(default)]
    pub location_attribution: Option<Attribution>,
    /// Files kept on the client itself (a contract, a proposal), oldest first.
    #[serde(default)]
    pub files: Vec<ClientFileView>,
}

/// A file kept on a client: same storage and size limit as a card's attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientFileView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub filename: String,
    /// As uploaded; the download is sent with it.
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientFileList {
    pub items: Vec<ClientFileView>,
}

/// A credit to show, with its link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attribution {
    #[schema(example = "IP Geolocation by DB-IP")]
    pub text: String,
    #[schema(example = "https://db-ip.com")]
    pub url: Option<String>,
}

/// Merge `source_id` into the contact in the path: its transcripts, notes and history move
/// over, empty fields are filled from it, tags are joined, and the source is deleted.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"}))]
pub struct MergeContactsRequest {
    pub source_id: Uuid,
}

/// Auto-assignment of a site's new leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true, "user_ids": ["3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"]}))]
pub struct AutoAssignment {
    pub enabled: bool,
    /// The users who receive leads, in rotation order.
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub user_ids: Vec<Uuid>,
    /// Deal only to users whose presence is online (not away or offline). Default true; turn
    /// it off for a team that does not use the live chat's presence. Either way the rotation
    /// passes by disabled users and users at a limit, and leads nobody can take wait in
    /// arrival order.
    #[serde(default = "crate::serde_helpers::yes")]
    #[schema(default = true)]
    pub online_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_need_an_email_or_a_phone_and_valid_fields() {
        assert!(!IngestLeadRequest::default().has_contact_point());
        let lead = IngestLeadRequest { phone: Some("11 98765 4321".into()), ..Default::default() };
        assert!(lead.has_contact_point());
        let bad = IngestLeadRequest { rating: Some(9), tags: vec!["".into()], ..lead };
        let errs = bad.validate().unwrap_err();
        assert!(errs.field_errors().contains_key("rating"));
        assert!(errs.field_errors().contains_key("tags"));
    }

    #[test]
    fn statuses_and_channels_round_trip() {
        for s in ContactStatus::ALL {
            assert_eq!(ContactStatus::parse(s.as_str()), Some(s));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
    }
}
