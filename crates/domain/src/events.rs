//! The kinds of realtime events: one list for the server that records them and the SPA that
//! listens for them (EventSource delivers a named event only to a listener of that name).
//! Kinds are `<resource>.<past tense>`; see "Realtime events" in docs/API.md.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::webhooks::{ContactEvent, TaskEvent, WebhookTest};
use crate::{ContactDeletion, ConversationStatus, MessageSender, MessageView, Presence};

macro_rules! event_kinds {
    ($($variant:ident => $name:literal,)+) => {
        /// A realtime event's kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventKind {
            $($variant,)+
        }

        impl EventKind {
            /// Every kind, in the order of this list.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant,)+];

            /// The name on the wire (`event:` of the stream, `kind` in the events table).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name,)+
                }
            }

            pub fn parse(name: &str) -> Option<EventKind> {
                match name {
                    $($name => Some(EventKind::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

event_kinds! {
    ConversationWaiting => "conversation.waiting",
    ConversationAccepted => "conversation.accepted",
    ConversationClosed => "conversation.closed",
    ConversationTransferred => "conversation.transferred",
    ConversationInvited => "conversation.invited",
    ConversationJoined => "conversation.joined",
    ConversationTagged => "conversation.tagged",
    ConversationContactUpdated => "conversation.contact_updated",
    ConversationIgnoreExpired => "conversation.ignore_expired",
    ConversationSlaBreached => "conversation.sla_breached",
    ConversationOffered => "conversation.offered",
    ConversationRerouted => "conversation.rerouted",
    MessageCreated => "message.created",
    NotificationCreated => "notification.created",
    PresenceChanged => "presence.changed",
    CardCreated => "card.created",
    CardUpdated => "card.updated",
    CardMoved => "card.moved",
    CardDeleted => "card.deleted",
    // Webhook-only kinds (`EventKind::webhook_only`: never on a stream): deals closed,
    // clients, leads, tasks, a test.
    CardWon => "card.won",
    CardLost => "card.lost",
    LeadReceived => "lead.received",
    ContactCreated => "contact.created",
    ContactUpdated => "contact.updated",
    ContactStatusChanged => "contact.status_changed",
    ContactAssigned => "contact.assigned",
    ContactSlaBreached => "contact.sla_breached",
    ContactDeleted => "contact.deleted",
    TaskCreated => "task.created",
    TaskUpdated => "task.updated",
    TaskCompleted => "task.completed",
    TaskDeleted => "task.deleted",
    WebhookTest => "webhook.test",
    // Passing (never stored or replayed): someone is typing.
    Typing => "typing",
    // Sent by a stream, not recorded: what was missed is no longer kept; reload.
    Reset => "reset",
}

impl EventKind {
    /// Sent to webhooks only: the screens follow these changes through other kinds
    /// (`card.updated`) or their own requests.
    pub fn webhook_only(self) -> bool {
        matches!(
            self,
            EventKind::CardWon
                | EventKind::CardLost
                | EventKind::LeadReceived
                | EventKind::ContactCreated
                | EventKind::ContactUpdated
                | EventKind::ContactStatusChanged
                | EventKind::ContactAssigned
                | EventKind::ContactSlaBreached
                | EventKind::ContactDeleted
                | EventKind::TaskCreated
                | EventKind::TaskUpdated
                | EventKind::TaskCompleted
                | EventKind::TaskDeleted
                | EventKind::WebhookTest
        )
    }
}

/// A conversation an event is about, as every `conversation.*` and `message.created` event
/// carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationRef {
    pub conversation_id: Uuid,
    /// Its status after the change.
    pub status: ConversationStatus,
}

/// `conversation.sla_breached`: a chat's first-response target passed with no reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationSlaBreached {
    pub conversation: ConversationRef,
    pub site_id: Option<Uuid>,
    /// Its operator, once accepted.
    pub owner_id: Option<Uuid>,
    pub waiting_since: chrono::DateTime<chrono::Utc>,
    pub due_at: chrono::DateTime<chrono::Utc>,
}

/// `conversation.offered`: a returning client's chat waits for their agent alone until
/// `expires_at`, then goes to the shared Inbox (`conversation.waiting`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationOffered {
    pub conversation: ConversationRef,
    pub user_id: Uuid,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// `conversation.rerouted`: an accepted chat had no operator reply for `after_minutes`, so it
/// moved from its operator to the next user available in the site's rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationRerouted {
    pub conversation: ConversationRef,
    pub from: Uuid,
    pub to: Uuid,
    pub after_minutes: i32,
}

/// `contact.sla_breached` (webhooks): a new lead's first-contact target passed with nobody
/// acting on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactSlaBreached {
    pub contact_id: Uuid,
    pub site_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub arrived_at: chrono::DateTime<chrono::Utc>,
    pub due_at: chrono::DateTime<chrono::Utc>,
}

/// `conversation.waiting`, `conversation.closed`, `conversation.ignore_expired`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationChanged {
    #[serde(flatten)]
    pub conversation: ConversationRef,
}

/// `conversation.accepted`: it left every Inbox for its new owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationAccepted {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub owner_id: Uuid,
}

/// `conversation.transferred`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationTransferred {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub from: Option<Uuid>,
    pub to: Uuid,
}

/// `conversation.invited` (the user asked in) and `conversation.joined` (the user came in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationMember {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub user_id: Uuid,
}

/// `conversation.tagged`: the conversation's tags now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationTagged {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub tags: Vec<String>,
}

/// `conversation.contact_updated`: the visitor's details changed the client it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationContactUpdated {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub contact_id: Option<Uuid>,
}

/// `message.created`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageCreated {
    #[serde(flatten)]
    pub conversation: ConversationRef,
    pub message: MessageView,
    /// The writing operator's first name, as the widget shows it.
    pub author_name: Option<String>,
}

/// `typing` (passing: never stored, never replayed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Typing {
    pub conversation_id: Uuid,
    /// `agent` or `visitor`.
    pub sender: MessageSender,
    /// The typing operator (absent when the visitor types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
}

/// `notification.created`, for its one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationCreated {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub contact_id: Option<Uuid>,
}

/// `presence.changed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PresenceChanged {
    pub user_id: Uuid,
    pub presence: Presence,
}

/// `card.created`, `card.updated`, `card.moved`, `card.deleted`, for the board's members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardChanged {
    pub board_id: Uuid,
    pub card_id: Uuid,
    pub stage_id: Uuid,
    /// The card's version after the change (its `ETag`).
    pub version: i32,
    /// Who changed it: a screen skips the events of its own changes.
    pub by: Uuid,
}

/// What a visitor's stream carries of any event: what the visitor's REST view shows, nothing
/// more (no user, contact or owner ids; a message without its author's id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitorEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<MessageSender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<VisitorMessage>,
}

/// A message as a visitor's stream shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitorMessage {
    pub id: Uuid,
    pub sender: MessageSender,
    pub body: String,
    pub sent_at: chrono::DateTime<chrono::Utc>,
}

impl VisitorEvent {
    /// The visitor's view of an operator event's data.
    pub fn of(data: &EventData) -> VisitorEvent {
        let mut out = VisitorEvent::default();
        if let Some(conversation) = data.conversation() {
            out.conversation_id = Some(conversation.conversation_id);
            out.status = Some(conversation.status);
        }
        match data {
            EventData::MessageCreated(m) => {
                out.author_name = m.author_name.clone();
                let message = &m.message;
                out.message = Some(VisitorMessage {
                    id: message.id,
                    sender: message.sender,
                    body: message.body.clone(),
                    sent_at: message.sent_at,
                });
            }
            EventData::Typing(t) => {
                out.conversation_id = Some(t.conversation_id);
                out.sender = Some(t.sender);
                out.author_name = t.author_name.clone();
            }
            _ => {}
        }
        out
    }
}

// One list makes the enum and what reads it, so a kind and its payload are named once.
macro_rules! event_data {
    ($($variant:ident($payload:ty),)+) => {
        /// An event's data, one variant per kind: the server builds events only from this, and
        /// readers parse with [`EventData::parse`].
        #[derive(Debug, Clone, PartialEq)]
        pub enum EventData {
            $($variant($payload),)+
            Reset,
        }

        impl EventData {
            pub fn kind(&self) -> EventKind {
                match self {
                    $(EventData::$variant(_) => EventKind::$variant,)+
                    EventData::Reset => EventKind::Reset,
                }
            }

            /// The data as sent on the wire (`data:` of the stream).
            pub fn to_json(&self) -> serde_json::Value {
                match self {
                    $(EventData::$variant(p) => serde_json::to_value(p).unwrap_or_default(),)+
                    EventData::Reset => serde_json::json!({}),
                }
            }

            /// Reads an operator stream's event of `kind` (None: unknown kind or another shape).
            pub fn parse(kind: EventKind, data: &serde_json::Value) -> Option<EventData> {
                match kind {
                    $(EventKind::$variant => crate::json_value::from_value::<$payload>(data.clone()).ok().map(EventData::$variant),)+
                    EventKind::Reset => Some(EventData::Reset),
                }
            }

            /// Each kind's payload schema name (`#/components/schemas/…`), in catalogue order.
            pub fn schema_names() -> Vec<(EventKind, &'static str)> {
                vec![$((EventKind::$variant, stringify!($payload)),)+]
            }
        }
    };
}

event_data! {
    ConversationWaiting(ConversationChanged),
    ConversationAccepted(ConversationAccepted),
    ConversationClosed(ConversationChanged),
    ConversationTransferred(ConversationTransferred),
    ConversationInvited(ConversationMember),
    ConversationJoined(ConversationMember),
    ConversationTagged(ConversationTagged),
    ConversationContactUpdated(ConversationContactUpdated),
    ConversationIgnoreExpired(ConversationChanged),
    ConversationSlaBreached(ConversationSlaBreached),
    ConversationOffered(ConversationOffered),
    ConversationRerouted(ConversationRerouted),
    MessageCreated(MessageCreated),
    NotificationCreated(NotificationCreated),
    PresenceChanged(PresenceChanged),
    CardCreated(CardChanged),
    CardUpdated(CardChanged),
    CardMoved(CardChanged),
    CardDeleted(CardChanged),
    CardWon(CardChanged),
    CardLost(CardChanged),
    LeadReceived(ContactEvent),
    ContactCreated(ContactEvent),
    ContactUpdated(ContactEvent),
    ContactStatusChanged(ContactEvent),
    ContactAssigned(ContactEvent),
    ContactSlaBreached(ContactSlaBreached),
    ContactDeleted(ContactDeletion),
    TaskCreated(TaskEvent),
    TaskUpdated(TaskEvent),
    TaskCompleted(TaskEvent),
    TaskDeleted(TaskEvent),
    WebhookTest(WebhookTest),
    Typing(Typing),
}

impl EventData {
    /// A client's event of `kind` (one of `contact_event_kinds`); `None` for another kind.
    pub fn for_contact(kind: EventKind, event: ContactEvent) -> Option<EventData> {
        Some(match kind {
            EventKind::LeadReceived => EventData::LeadReceived(event),
            EventKind::ContactCreated => EventData::ContactCreated(event),
            EventKind::ContactUpdated => EventData::ContactUpdated(event),
            EventKind::ContactStatusChanged => EventData::ContactStatusChanged(event),
            EventKind::ContactAssigned => EventData::ContactAssigned(event),
            _ => return None,
        })
    }

    /// The resource an event is about (a conversation, card, client or task): webhooks of one
    /// subject reach a subscription in order.
    pub fn subject(&self) -> Option<Uuid> {
        if let Some(conversation) = self.conversation() {
            return Some(conversation.conversation_id);
        }
        match self {
            EventData::CardCreated(c)
            | EventData::CardUpdated(c)
            | EventData::CardMoved(c)
            | EventData::CardDeleted(c)
            | EventData::CardWon(c)
            | EventData::CardLost(c) => Some(c.card_id),
            EventData::LeadReceived(c)
            | EventData::ContactCreated(c)
            | EventData::ContactUpdated(c)
            | EventData::ContactStatusChanged(c)
            | EventData::ContactAssigned(c) => Some(c.contact.id),
            EventData::ContactDeleted(d) => Some(d.contact_id),
            EventData::TaskCreated(t)
            | EventData::TaskUpdated(t)
            | EventData::TaskCompleted(t)
            | EventData::TaskDeleted(t) => Some(t.task.id),
            _ => None,
        }
    }

    /// The conversation an event is about, when it is about one.
    pub fn conversation(&self) -> Option<&ConversationRef> {
        match self {
            EventData::ConversationWaiting(c)
            | EventData::ConversationClosed(c)
            | EventData::ConversationIgnoreExpired(c) => Some(&c.conversation),
            EventData::ConversationAccepted(c) => Some(&c.conversation),
            EventData::ConversationTransferred(c) => Some(&c.conversation),
            EventData::ConversationInvited(c) | EventData::ConversationJoined(c) => Some(&c.conversation),
            EventData::ConversationTagged(c) => Some(&c.conversation),
            EventData::ConversationContactUpdated(c) => Some(&c.conversation),
            EventData::ConversationSlaBreached(c) => Some(&c.conversation),
            EventData::ConversationOffered(c) => Some(&c.conversation),
            EventData::ConversationRerouted(c) => Some(&c.conversation),
            EventData::MessageCreated(c) => Some(&c.conversation),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_name_that_reads_back() {
        let mut names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventKind::ALL.len(), "no two kinds share a name");
        assert!(names.iter().all(|n| *n == "typing" || *n == "reset" || n.contains('.')), "{names:?}");
        assert_eq!(EventKind::parse("card.exploded"), None);
    }

    fn conversation() -> ConversationRef {
        ConversationRef { conversation_id: Uuid::from_u128(1), status: ConversationStatus::Active }
    }

    fn message() -> MessageCreated {
        MessageCreated {
            conversation: conversation(),
            message: MessageView {
                id: Uuid::from_u128(2),
                sender: MessageSender::Agent,
                body: "Olá".into(),
                sent_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
                author_id: Some(Uuid::from_u128(3)),
                note: None,
            },
            author_name: Some("Ana".into()),
        }
    }

    #[test]
    fn every_payload_reads_back_as_its_kind_and_no_other_shape_passes() {
        let card = CardChanged {
            board_id: Uuid::from_u128(4),
            card_id: Uuid::from_u128(5),
            stage_id: Uuid::from_u128(6),
            version: 3,
            by: Uuid::from_u128(7),
        };
        let all = [
            EventData::ConversationAccepted(ConversationAccepted {
                conversation: conversation(),
                owner_id: Uuid::from_u128(8),
            }),
            EventData::ConversationTransferred(ConversationTransferred {
                conversation: conversation(),
                from: None,
                to: Uuid::from_u128(9),
            }),
            EventData::ConversationTagged(ConversationTagged {
                conversation: conversation(),
                tags: vec!["vip".into()],
            }),
            EventData::MessageCreated(message()),
            EventData::CardMoved(card.clone()),
            EventData::PresenceChanged(PresenceChanged { user_id: Uuid::from_u128(7), presence: Presence::Away }),
            EventData::Typing(Typing {
                conversation_id: Uuid::from_u128(1),
                sender: MessageSender::Visitor,
                user_id: None,
                author_name: None,
            }),
        ];
        for data in all {
            let json = data.to_json();
            assert_eq!(EventData::parse(data.kind(), &json), Some(data.clone()), "{json}");
        }
        let wire = EventData::CardUpdated(card).to_json();
        assert_eq!(wire["board_id"], "00000000-0000-0000-0000-000000000004", "fields flat on the wire: {wire}");
        assert_eq!(EventData::parse(EventKind::MessageCreated, &wire), None, "a card's data is not a message");
        assert_eq!(EventData::schema_names().len(), EventKind::ALL.len() - 1, "every kind but reset has a payload");
    }

    #[test]
    fn a_visitor_sees_the_conversation_and_the_message_but_no_operator_or_client_ids() {
        let seen = serde_json::to_value(VisitorEvent::of(&EventData::MessageCreated(message()))).unwrap();
        assert_eq!(seen["message"]["body"], "Olá");
        assert_eq!(seen["author_name"], "Ana");
        assert!(seen["message"].get("author_id").is_none(), "{seen}");
        let transfer = EventData::ConversationTransferred(ConversationTransferred {
            conversation: conversation(),
            from: Some(Uuid::from_u128(8)),
            to: Uuid::from_u128(9),
        });
        let seen = serde_json::to_value(VisitorEvent::of(&transfer)).unwrap();
        assert_eq!(
            seen,
            serde_json::json!({"conversation_id": "00000000-0000-0000-0000-000000000001", "status": "active"})
        );
    }
}
