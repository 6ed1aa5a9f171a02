//! The kinds of realtime events: one list for the server that records them and the SPA that
//! listens for them (EventSource delivers a named event only to a listener of that name).
//! Kinds are `<resource>.<past tense>`; see "Realtime events" in docs/API.md.

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
    MessageCreated => "message.created",
    NotificationCreated => "notification.created",
    PresenceChanged => "presence.changed",
    CardCreated => "card.created",
    CardUpdated => "card.updated",
    CardMoved => "card.moved",
    CardDeleted => "card.deleted",
    // Passing (never stored or replayed): someone is typing.
    Typing => "typing",
    // Sent by a stream, not recorded: what was missed is no longer kept; reload.
    Reset => "reset",
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
}
