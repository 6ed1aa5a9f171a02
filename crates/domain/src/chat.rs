//! The live-chat desk: conversations as operators and visitors see them, the lead-capture
//! bot, and realtime events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::i18n::Lang;
use crate::{ContactView, MessageView};

/// Longest message a visitor or an operator can send.
pub const MESSAGE_MAX_CHARS: u64 = 5000;

/// Where a conversation is in the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// The lead-capture bot is asking its questions.
    Bot,
    /// In the Inbox: nobody has accepted it yet.
    Waiting,
    /// Accepted by an operator (its owner).
    Active,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Bot => "bot",
            ConversationStatus::Waiting => "waiting",
            ConversationStatus::Active => "active",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationStatus> {
        [ConversationStatus::Bot, ConversationStatus::Waiting, ConversationStatus::Active, ConversationStatus::Closed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A message's text: 1 to 5,000 characters with something visible.
fn validate_message_body(body: &str) -> Result<(), ValidationError> {
    if body.trim().is_empty() {
        return Err(ValidationError::new("length").with_message("must not be empty".into()));
    }
    if body.chars().count() as u64 > MESSAGE_MAX_CHARS {
        return Err(ValidationError::new("length").with_message("must be at most 5000 characters".into()));
    }
    Ok(())
}

/// A chat message from a visitor or an operator.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Olá! Vocês entregam em Campinas?"}))]
pub struct SendMessageRequest {
    #[validate(custom(function = "validate_message_body"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// What the widget knows when a visitor opens the chat.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"page_url": "https://acme.test/precos", "utm_source": "google", "lang": "pt-BR"}))]
pub struct StartChatRequest {
    #[validate(length(max = 2048))]
    #[schema(max_length = 2048)]
    pub page_url: Option<String>,
    #[validate(length(max = 2048))]
    #[schema(max_length = 2048)]
    pub referrer: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub utm_source: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub utm_medium: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub utm_campaign: Option<String>,
    /// The page's language (`pt-BR` or `en`); the bot asks in it.
    #[validate(length(max = 35))]
    #[schema(max_length = 35)]
    pub lang: Option<String>,
}

/// Contact details a visitor leaves (the offline form, or any time in the chat).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ana Souza", "email": "ana@example.com"}))]
pub struct VisitorDetailsRequest {
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(email(message = "must be a valid e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 40))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// A first message (the offline form's "How can we help?").
    #[validate(custom(function = "validate_message_body"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub message: Option<String>,
}

/// One message as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitorMessage {
    pub id: Uuid,
    pub sender: crate::MessageSender,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// The operator's first name, for `agent` messages.
    pub author_name: Option<String>,
}

/// The visitor's current conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitorChat {
    pub conversation_id: Uuid,
    pub status: ConversationStatus,
    pub messages: Vec<VisitorMessage>,
    /// Whether an operator of the account is online (else the widget shows its offline form).
    pub operators_online: bool,
}

/// A new visitor: the token to send as `X-Visitor-Token` from now on (kept by the browser;
/// the server stores only its hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StartChatResponse {
    pub visitor_token: Option<String>,
    pub chat: VisitorChat,
}

/// A short-lived ticket for one event stream: browsers' EventSource cannot send headers,
/// and a long-lived token in a URL would land in logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventTicket {
    pub ticket: String,
    /// Seconds it can be used in.
    pub expires_in: i64,
}

/// One realtime event, as sent on the event streams (`id`, `event: kind`, `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    /// `conversation.waiting`, `conversation.accepted`, `conversation.closed`,
    /// `conversation.transferred`, `conversation.invited`, `conversation.ignore_expired`,
    /// `message.created`, `contact.assigned`, `notification.created`, `typing`, `reset`.
    pub kind: String,
    pub data: serde_json::Value,
}

/// How long things took in one conversation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct ConversationStats {
    /// From entering the Inbox to being accepted, in seconds.
    pub wait_secs: Option<i64>,
    /// From entering the Inbox to the first operator message.
    pub first_response_secs: Option<i64>,
    /// From start to close.
    pub duration_secs: Option<i64>,
    pub visitor_messages: i64,
    pub operator_messages: i64,
    pub bot_messages: i64,
    /// Operators who wrote in it.
    pub operator_ids: Vec<Uuid>,
}

/// A conversation in a desk list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationSummary {
    pub id: Uuid,
    pub status: ConversationStatus,
    pub contact_id: Uuid,
    /// The contact's name, e-mail or phone; none for an anonymous visitor.
    pub contact_label: Option<String>,
    pub site_id: Option<Uuid>,
    pub site_name: Option<String>,
    pub page_url: Option<String>,
    pub owner_id: Option<Uuid>,
    pub participant_ids: Vec<Uuid>,
    pub tags: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub last_message: Option<String>,
    /// Whether the last message is the visitor's (awaiting a reply).
    pub last_message_from_visitor: bool,
    /// Whether the visitor's token or address is blocked.
    pub blocked: bool,
    pub stats: ConversationStats,
    /// When an operator's first reply is due (the site's target from `waiting_since`); `null`
    /// when the site sets none.
    #[serde(default)]
    pub sla_due_at: Option<DateTime<Utc>>,
    /// When the target passed with no reply.
    #[serde(default)]
    pub sla_breached_at: Option<DateTime<Utc>>,
    /// While it waits, the agent it is offered to first (the client's own agent, in their
    /// My conversations) until `offer_expires_at`; then it is in the shared Inbox.
    #[serde(default)]
    pub offered_to: Option<Uuid>,
    #[serde(default)]
    pub offer_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationTotals {
    pub conversations: i64,
    pub avg_wait_secs: Option<i64>,
    pub avg_first_response_secs: Option<i64>,
    pub avg_duration_secs: Option<i64>,
    pub messages: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<ConversationSummary>,
    /// For the `all` view: over every conversation the filters match.
    pub totals: Option<ConversationTotals>,
    /// Pass as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

/// A conversation with its transcript and client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationDetail {
    pub conversation: ConversationSummary,
    pub messages: Vec<MessageView>,
    /// The linked client; none for an agent when it is assigned to someone else (see
    /// [`contact_visible_to`]): the agent then has only `visitor_given`.
    pub contact: Option<ContactView>,
    /// What the visitor typed about themselves in this chat.
    pub visitor_given: VisitorGiven,
    /// The GeoIP database's credit, when the client's location is approximate.
    #[serde(default)]
    pub location_attribution: Option<crate::Attribution>,
}

/// What a visitor typed about themselves in one chat (bot answers, the details form).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitorGiven {
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
}

impl VisitorGiven {
    /// The name, e-mail or phone, for a list row.
    pub fn label(&self) -> Option<String> {
        crate::text::contact_label(&self.name, &self.email, &self.phone)
    }

    /// These details with `newer`'s values where it has them.
    pub fn updated(self, newer: VisitorGiven) -> VisitorGiven {
        VisitorGiven {
            name: newer.name.or(self.name),
            email: newer.email.or(self.email),
            phone: newer.phone.or(self.phone),
        }
    }
}

/// Why a conversation in `status` cannot be accepted (409), or `None` when it can.
pub fn accept_refusal(status: ConversationStatus) -> Option<&'static str> {
    match status {
        ConversationStatus::Waiting => None,
        ConversationStatus::Bot => {
            Some("This conversation is still with the bot: it can be accepted once it waits in the Inbox.")
        }
        ConversationStatus::Active => {
            Some("This conversation is no longer waiting: another operator accepted it first.")
        }
        ConversationStatus::Closed => Some("This conversation is closed."),
    }
}

/// Whether a desk user sees the client a conversation is linked to: admins always, an agent
/// when it is theirs or nobody's. Anyone can write a known client's e-mail into a chat that
/// waits in the shared Inbox, so the chat alone grants nothing.
pub fn contact_visible_to(is_admin: bool, user_id: Uuid, assignee_id: Option<Uuid>) -> bool {
    is_admin || assignee_id.is_none_or(|a| a == user_id)
}

/// Which desk tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeskView {
    /// Waiting for an operator, oldest first (minus the ones the caller ignored).
    #[default]
    Inbox,
    /// Open conversations the caller owns or was invited to.
    Mine,
    /// Closed conversations, newest first, with stats.
    All,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    #[serde(default)]
    pub view: DeskView,
    pub site_id: Option<Uuid>,
    /// Closed by / involving this operator.
    pub operator_id: Option<Uuid>,
    /// Started on or after (`all` view).
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    #[validate(length(min = 1, max = 50))]
    #[param(min_length = 1, max_length = 50)]
    pub tag: Option<String>,
    /// The contact's rating.
    #[validate(range(min = 1, max = 5))]
    #[param(minimum = 1, maximum = 5)]
    pub rating: Option<i16>,
    /// Words in the messages (PostgreSQL full-text, Portuguese and English).
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (`inbox` and `all` page; `mine` is one list).
    #[validate(length(min = 1, max = 200))]
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = r"^-?[0-9]{1,16}_[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

/// Hand a conversation to another operator, or bring one in.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10"}))]
pub struct OperatorRequest {
    pub user_id: Uuid,
}

/// Add or remove a conversation's tag.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tag": "orçamento"}))]
pub struct ConversationTagRequest {
    #[validate(length(min = 1, max = 50, message = "must be 1 to 50 characters"))]
    #[schema(min_length = 1, max_length = 50)]
    pub tag: String,
}

/// A question of the lead-capture bot: which contact field it fills (`name`, `email`,
/// `phone` or a custom field's key) and, optionally, its own wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BotQuestion {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub field: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub prompt_en: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub prompt_pt: Option<String>,
}

impl BotQuestion {
    /// The question's text in `lang`: its own wording, else the default for its field.
    pub fn prompt(&self, lang: Lang) -> String {
        let own = match lang {
            Lang::En => &self.prompt_en,
            Lang::PtBr => &self.prompt_pt,
        };
        if let Some(text) = own {
            return text.clone();
        }
        let (en, pt) = match self.field.as_str() {
            "name" => ("Hi! What is your name?", "Olá! Qual é o seu nome?"),
            "email" => ("What is your e-mail address?", "Qual é o seu e-mail?"),
            "phone" => ("What phone number can we reach you on?", "Qual telefone podemos usar para falar com você?"),
            _ => ("Please tell us your {field}.", "Por favor, informe: {field}."),
        };
        let text = if lang == Lang::PtBr { pt } else { en };
        text.replace("{field}", &self.field)
    }
}

/// What the bot says after the last answer.
pub fn bot_done_text(lang: Lang, operators_online: bool) -> &'static str {
    match (lang, operators_online) {
        (Lang::En, true) => "Thank you! An operator will be with you shortly.",
        (Lang::PtBr, true) => "Obrigado! Um atendente já vai falar com você.",
        (Lang::En, false) => "Thank you! We are offline right now; we will get back to you soon.",
        (Lang::PtBr, false) => "Obrigado! Estamos fora do horário agora; retornaremos em breve.",
    }
}

/// The name in a visitor's answer to "What is your name?", or `None` when the answer is not
/// a name: a greeting or a question ("Oi, quero saber o preço do plano anual") must not
/// become the client's name everywhere. "Meu nome é Ana" and "I'm Ana." give "Ana".
pub fn name_from_answer(answer: &str) -> Option<String> {
    const LEADS: [&str; 10] = [
        "meu nome é ",
        "meu nome e ",
        "me chamo ",
        "aqui é ",
        "aqui e ",
        "sou o ",
        "sou a ",
        "my name is ",
        "i'm ",
        "i am ",
    ];
    // Words that open or fill a sentence, never a name (compared in lower case, whole words).
    const NOT_NAMES: [&str; 30] = [
        "oi", "olá", "ola", "opa", "bom", "boa", "tudo", "quero", "queria", "gostaria", "preciso", "saber", "preço",
        "valor", "quanto", "como", "qual", "hi", "hello", "hey", "good", "want", "would", "need", "price", "how",
        "what", "please", "por", "favor",
    ];
    let mut text = answer.trim();
    let lower = text.to_lowercase();
    if let Some(lead) = LEADS.iter().find(|lead| lower.starts_with(*lead)) {
        text = text[lead.len()..].trim();
    }
    let text = text.trim_end_matches(['.', '!', ' ']).trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let not_a_name = words.is_empty()
        || words.len() > 6
        || text.chars().count() > 80
        || text.chars().any(|c| "?!@,;:/()\"".contains(c))
        // A phone or an order number; a short number ("Visitor 2") may be a nickname.
        || text.as_bytes().windows(3).any(|w| w.iter().all(u8::is_ascii_digit))
        || words.iter().any(|w| NOT_NAMES.contains(&w.to_lowercase().as_str()));
    (!not_a_name).then(|| words.join(" "))
}

/// What the bot says when an answer is not valid, before asking again.
pub fn bot_retry_text(lang: Lang, field: &str) -> &'static str {
    match (lang, field) {
        (Lang::En, "name") => "Sorry, I did not catch your name.",
        (Lang::PtBr, "name") => "Desculpe, não entendi o seu nome.",
        (Lang::En, "email") => "That does not look like an e-mail address.",
        (Lang::PtBr, "email") => "Isso não parece um e-mail válido.",
        (Lang::En, "phone") => "That does not look like a phone number.",
        (Lang::PtBr, "phone") => "Isso não parece um telefone válido.",
        (Lang::En, _) => "Sorry, I did not understand that.",
        (Lang::PtBr, _) => "Desculpe, não entendi.",
    }
}

/// What the desk writes into a transcript (as `system` messages, in the visitor's language).
#[derive(Debug, Clone, Copy)]
pub enum DeskNote<'a> {
    Joined(&'a str),
    Transferred {
        to: &'a str,
    },
    Invited(&'a str),
    Closed,
    /// No operator reply for `minutes`: the chat moved to `to`.
    Rerouted {
        to: &'a str,
        minutes: i32,
    },
}

/// A desk note as stored beside its text (`messages.note`), so each reader gets it in their
/// own language: operators in the one their app asks for, the visitor in the chat's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SystemNote {
    Joined { who: String },
    Transferred { to: String },
    Invited { who: String },
    Closed,
    Rerouted { to: String, minutes: i32 },
}

impl From<DeskNote<'_>> for SystemNote {
    fn from(note: DeskNote<'_>) -> SystemNote {
        match note {
            DeskNote::Joined(who) => SystemNote::Joined { who: who.into() },
            DeskNote::Transferred { to } => SystemNote::Transferred { to: to.into() },
            DeskNote::Invited(who) => SystemNote::Invited { who: who.into() },
            DeskNote::Closed => SystemNote::Closed,
            DeskNote::Rerouted { to, minutes } => SystemNote::Rerouted { to: to.into(), minutes },
        }
    }
}

impl SystemNote {
    /// The text in `lang` of a note as stored (`messages.note`); `None` if it is none.
    pub fn text_of(stored: &serde_json::Value, lang: Lang) -> Option<String> {
        SystemNote::deserialize(stored).ok().map(|note| note.text(lang))
    }

    pub fn text(&self, lang: Lang) -> String {
        let note = match self {
            SystemNote::Joined { who } => DeskNote::Joined(who),
            SystemNote::Transferred { to } => DeskNote::Transferred { to },
            SystemNote::Invited { who } => DeskNote::Invited(who),
            SystemNote::Closed => DeskNote::Closed,
            SystemNote::Rerouted { to, minutes } => DeskNote::Rerouted { to, minutes: *minutes },
        };
        desk_note_text(lang, note)
    }
}

pub fn desk_note_text(lang: Lang, note: DeskNote) -> String {
    match (lang, note) {
        (Lang::En, DeskNote::Joined(who)) => format!("{who} joined the chat."),
        (Lang::PtBr, DeskNote::Joined(who)) => format!("{who} entrou na conversa."),
        (Lang::En, DeskNote::Transferred { to }) => format!("The chat was transferred to {to}."),
        (Lang::PtBr, DeskNote::Transferred { to }) => format!("A conversa foi transferida para {to}."),
        (Lang::En, DeskNote::Invited(who)) => format!("{who} was invited to the chat."),
        (Lang::PtBr, DeskNote::Invited(who)) => format!("{who} foi convidado(a) para a conversa."),
        (Lang::En, DeskNote::Closed) => "The chat was closed.".to_string(),
        (Lang::PtBr, DeskNote::Closed) => "A conversa foi encerrada.".to_string(),
        (Lang::En, DeskNote::Rerouted { to, minutes }) => {
            format!("No reply in {minutes} min: the chat was passed to {to}.")
        }
        (Lang::PtBr, DeskNote::Rerouted { to, minutes }) => {
            format!("Sem resposta em {minutes} min: a conversa foi passada para {to}.")
        }
    }
}

/// An operator's first name, as visitors see it.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// The site's chat settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bot_enabled": true, "bot_questions": [{"field": "name"}, {"field": "email"}], "ignore_minutes": 5}))]
pub struct ChatSettings {
    pub bot_enabled: bool,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub bot_questions: Vec<BotQuestion>,
    /// How long "Ignore" hides a conversation from one operator's inbox.
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub ignore_minutes: i32,
}

/// An operator's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Online,
    Away,
    Offline,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }
}

pub fn offline() -> Presence {
    Presence::Offline
}

impl Presence {
    pub fn parse(s: &str) -> Option<Presence> {
        [Presence::Online, Presence::Away, Presence::Offline].into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"presence": "online"}))]
pub struct PresenceRequest {
    pub presence: Presence,
}

/// The caller's own alert settings.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sound": false}))]
pub struct AlertsRequest {
    /// A sound for new chats, transfers, invitations and replies in their chats.
    pub sound: bool,
}

/// Counts for the navigation's badges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeskCounts {
    /// Conversations waiting in the caller's Inbox.
    pub inbox: i64,
    /// The caller's open conversations whose last message is the visitor's (awaiting a reply),
    /// and the chats offered to them first (their clients', waiting for them).
    pub awaiting_reply: i64,
}

/// A saved reply, inserted with `/shortcut` in the reply box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CannedResponse {
    pub id: Uuid,
    pub shortcut: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CannedResponseList {
    pub items: Vec<CannedResponse>,
}

/// A shortcut: 1 to 32 characters, no spaces or `/`.
fn validate_shortcut(s: &str) -> Result<(), ValidationError> {
    let ok = (1..=32).contains(&s.chars().count()) && !s.chars().any(|c| c.is_whitespace() || c == '/');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("pattern").with_message("must be 1 to 32 characters without spaces or /".into()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"shortcut": "precos", "body": "Nossos planos começam em R$ 99/mês."}))]
pub struct CreateCannedResponse {
    #[validate(custom(function = "validate_shortcut"))]
    #[schema(min_length = 1, max_length = 32, pattern = "^[^\\s/\\u0000-\\u001F\\u007F-\\u009F]+$")]
    pub shortcut: String,
    #[validate(custom(function = "validate_message_body"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_name_is_not_a_sentence() {
        for (answer, name) in [
            ("Maria", Some("Maria")),
            ("  maria   da Silva ", Some("maria da Silva")),
            ("Meu nome é Ana Paula.", Some("Ana Paula")),
            ("me chamo João", Some("João")),
            ("I'm Ana!", Some("Ana")),
            ("Ana D'Ávila-Souza", Some("Ana D'Ávila-Souza")),
            ("Oi, quero saber o preço do plano anual", None),
            ("Oi", None),
            ("Boa tarde", None),
            ("Qual o valor?", None),
            ("quanto custa", None),
            ("Hello there", None),
            ("ana@example.com", None),
            ("11 98765-4321", None),
            ("Pedido 12345", None),
            ("Visitante m4abc12x3f9", Some("Visitante m4abc12x3f9")),
            ("", None),
            ("Maria José da Silva Santos Oliveira Pereira", None),
        ] {
            assert_eq!(name_from_answer(answer).as_deref(), name, "{answer}");
        }
    }

    use super::*;

    #[test]
    fn a_system_note_is_stored_as_a_code_and_read_in_each_language() {
        let note = SystemNote::from(DeskNote::Transferred { to: "Ana" });
        let stored = serde_json::to_value(&note).unwrap();
        assert_eq!(stored, serde_json::json!({"code": "transferred", "to": "Ana"}));
        let message = MessageView {
            id: Uuid::nil(),
            sender: crate::MessageSender::System,
            body: "A conversa foi transferida para Ana.".into(),
            sent_at: Utc::now(),
            author_id: None,
            note: Some(stored),
        };
        let mut read = message.clone();
        read.localize(Lang::En);
        assert_eq!(read.body, "The chat was transferred to Ana.");
        read.localize(Lang::PtBr);
        assert_eq!(read.body, "A conversa foi transferida para Ana.");
        let closed = serde_json::to_value(SystemNote::from(DeskNote::Closed)).unwrap();
        assert_eq!(serde_json::from_value::<SystemNote>(closed).unwrap().text(Lang::En), "The chat was closed.");
    }

    #[test]
    fn only_a_waiting_conversation_can_be_accepted_and_each_refusal_says_why() {
        assert_eq!(accept_refusal(ConversationStatus::Waiting), None);
        assert!(accept_refusal(ConversationStatus::Bot).unwrap().contains("bot"));
        assert!(accept_refusal(ConversationStatus::Active).unwrap().contains("another operator"));
        assert!(accept_refusal(ConversationStatus::Closed).unwrap().contains("closed"));
    }

    #[test]
    fn an_agent_sees_a_chats_client_only_when_it_is_theirs_or_nobodys() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(contact_visible_to(false, me, None));
        assert!(contact_visible_to(false, me, Some(me)));
        assert!(!contact_visible_to(false, me, Some(other)));
        assert!(contact_visible_to(true, me, Some(other)));
    }

    #[test]
    fn what_a_visitor_gave_keeps_earlier_answers_and_takes_newer_ones() {
        let first = VisitorGiven { name: Some("Ana".into()), email: Some("a@x.test".into()), phone: None };
        let later = VisitorGiven { name: None, email: Some("b@x.test".into()), phone: Some("+5511987654321".into()) };
        let both = first.updated(later);
        assert_eq!(both.name.as_deref(), Some("Ana"));
        assert_eq!(both.email.as_deref(), Some("b@x.test"));
        assert_eq!(both.label().as_deref(), Some("Ana"));
        assert_eq!(VisitorGiven::default().label(), None);
    }

    #[test]
    fn message_bodies_need_visible_text_and_at_most_5000_characters() {
        let ok = SendMessageRequest { body: "olá".into() };
        assert!(ok.validate().is_ok());
        assert!(SendMessageRequest { body: "  \n ".into() }.validate().is_err());
        assert!(SendMessageRequest { body: "é".repeat(5000) }.validate().is_ok());
        assert!(SendMessageRequest { body: "é".repeat(5001) }.validate().is_err());
    }

    #[test]
    fn bot_questions_have_default_wording_per_language() {
        let q = BotQuestion { field: "email".into(), prompt_en: None, prompt_pt: Some("Seu e-mail?".into()) };
        assert_eq!(q.prompt(Lang::En), "What is your e-mail address?");
        assert_eq!(q.prompt(Lang::PtBr), "Seu e-mail?");
        let custom = BotQuestion { field: "company".into(), prompt_en: None, prompt_pt: None };
        assert!(custom.prompt(Lang::En).contains("company"));
    }
}
