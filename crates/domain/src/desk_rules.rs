//! What operators may do with a conversation in each state, without the database: the desk's
//! state machine (waiting → active → closed, joined again from closed) and who may transfer.
//! The handlers lock the conversation, ask these, check what needs the database (the caller
//! takes part, the colleague is an operator), and write.

use uuid::Uuid;

use crate::chat::{accept_refusal, ConversationStatus};

/// An operator's action on a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskAction {
    Accept,
    Ignore,
    Reply,
    Typing,
    Close,
    Join,
    Transfer,
    Invite,
}

/// Why `action` cannot be done to a conversation in `status` (409), or `None` when it can.
pub fn refusal(action: DeskAction, status: ConversationStatus) -> Option<&'static str> {
    use ConversationStatus::{Active, Closed, Waiting};
    match action {
        DeskAction::Accept => accept_refusal(status),
        DeskAction::Ignore if status != Waiting => Some("Only a conversation waiting in the Inbox can be ignored."),
        DeskAction::Reply => match status {
            Active => None,
            Closed => Some("This conversation is closed; join it to write."),
            _ => Some("Accept this conversation before replying."),
        },
        DeskAction::Typing if status != Active => Some("Only an active conversation shows typing."),
        DeskAction::Close if status == Closed => Some("This conversation is already closed."),
        DeskAction::Join if status != Active && status != Closed => {
            Some("This conversation waits in the Inbox: accept it instead.")
        }
        DeskAction::Transfer if status != Active => Some("Only an active conversation can be transferred."),
        DeskAction::Invite if status != Active => Some("Only an active conversation can take in colleagues."),
        _ => None,
    }
}

/// Whether closing needs the caller to take part: an active chat is its operators' to close;
/// one still waiting or with the bot any operator may close.
pub fn close_needs_operator(status: ConversationStatus) -> bool {
    status == ConversationStatus::Active
}

/// Only the owner or an admin hands a conversation over (403 otherwise).
pub fn transfer_forbidden(is_admin: bool, caller: Uuid, owner: Option<Uuid>) -> Option<&'static str> {
    (!is_admin && owner != Some(caller)).then_some("Only its owner or an admin can transfer this conversation.")
}

/// Not to its owner (409).
pub fn transfer_target_refusal(owner: Option<Uuid>, to: Uuid) -> Option<&'static str> {
    (owner == Some(to)).then_some("This conversation is already theirs.")
}

/// What an operator is alerted to: a sound (unless they turned it off) and, while the app's
/// tab is hidden, a browser notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    /// A chat waits in the Inbox, or is offered to them.
    NewChat,
    /// A colleague gave them a chat.
    Transferred,
    /// A colleague asked them into a chat.
    Invited,
    /// The visitor wrote in a chat they take part in (alerted only while the tab is hidden:
    /// the open chat shows it).
    Reply,
}

/// The alert an event on `me`'s stream calls for. The stream already carries only what they
/// may see: a waiting chat goes to everyone who could take it, a message of an accepted chat
/// to its operators (and the client's rep).
pub fn alert_for(event: &crate::events::EventData, me: Uuid) -> Option<Alert> {
    use crate::events::EventData;
    match event {
        EventData::ConversationWaiting(_) => Some(Alert::NewChat),
        EventData::ConversationOffered(offer) if offer.user_id == me => Some(Alert::NewChat),
        EventData::ConversationTransferred(t) if t.to == me => Some(Alert::Transferred),
        EventData::ConversationInvited(m) if m.user_id == me => Some(Alert::Invited),
        EventData::MessageCreated(m)
            if m.message.sender == crate::MessageSender::Visitor
                && m.conversation.status == ConversationStatus::Active =>
        {
            Some(Alert::Reply)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConversationStatus::{Active, Bot, Closed, Waiting};

    #[test]
    fn each_action_is_allowed_in_its_states_only() {
        let allowed = |action| {
            [Bot, Waiting, Active, Closed].into_iter().filter(|s| refusal(action, *s).is_none()).collect::<Vec<_>>()
        };
        assert_eq!(allowed(DeskAction::Accept), [Waiting]);
        assert_eq!(allowed(DeskAction::Ignore), [Waiting]);
        assert_eq!(allowed(DeskAction::Reply), [Active]);
        assert_eq!(allowed(DeskAction::Typing), [Active]);
        assert_eq!(allowed(DeskAction::Close), [Bot, Waiting, Active]);
        assert_eq!(allowed(DeskAction::Join), [Active, Closed]);
        assert_eq!(allowed(DeskAction::Transfer), [Active]);
        assert_eq!(allowed(DeskAction::Invite), [Active]);
        assert_eq!(refusal(DeskAction::Reply, Closed), Some("This conversation is closed; join it to write."));
        assert!(close_needs_operator(Active) && !close_needs_operator(Waiting));
    }

    #[test]
    fn the_owner_or_an_admin_transfers_and_not_to_the_owner() {
        let (ana, bia, caio) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_eq!(transfer_forbidden(false, ana, Some(ana)), None);
        assert!(transfer_forbidden(false, caio, Some(ana)).is_some());
        assert_eq!(transfer_forbidden(true, caio, Some(ana)), None);
        assert_eq!(transfer_target_refusal(Some(ana), bia), None);
        assert!(transfer_target_refusal(Some(ana), ana).is_some());
    }

    #[test]
    fn alerts_are_for_new_chats_and_what_comes_to_me() {
        use crate::events::{
            ConversationChanged, ConversationMember, ConversationOffered, ConversationRef, ConversationTransferred,
            EventData, MessageCreated,
        };
        let (me, colleague, id) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let conversation = |status| ConversationRef { conversation_id: id, status };
        let message = |sender, status| {
            EventData::MessageCreated(MessageCreated {
                conversation: conversation(status),
                message: crate::MessageView {
                    id,
                    sender,
                    body: "oi".into(),
                    sent_at: chrono::Utc::now(),
                    author_id: None,
                    note: None,
                },
                author_name: None,
            })
        };
        let waiting = EventData::ConversationWaiting(ConversationChanged { conversation: conversation(Waiting) });
        assert_eq!(alert_for(&waiting, me), Some(Alert::NewChat));
        let offered = |to| {
            EventData::ConversationOffered(ConversationOffered {
                conversation: conversation(Waiting),
                user_id: to,
                expires_at: chrono::Utc::now(),
            })
        };
        assert_eq!(alert_for(&offered(me), me), Some(Alert::NewChat));
        assert_eq!(alert_for(&offered(colleague), me), None);
        let transfer = |to| {
            EventData::ConversationTransferred(ConversationTransferred {
                conversation: conversation(Active),
                from: Some(colleague),
                to,
            })
        };
        assert_eq!(alert_for(&transfer(me), me), Some(Alert::Transferred));
        assert_eq!(alert_for(&transfer(colleague), me), None);
        let invited = |who| {
            EventData::ConversationInvited(ConversationMember { conversation: conversation(Active), user_id: who })
        };
        assert_eq!(alert_for(&invited(me), me), Some(Alert::Invited));
        assert_eq!(alert_for(&invited(colleague), me), None);
        assert_eq!(alert_for(&message(crate::MessageSender::Visitor, Active), me), Some(Alert::Reply));
        // Their own replies, the bot's questions and a waiting chat's lines (already alerted) are not.
        assert_eq!(alert_for(&message(crate::MessageSender::Agent, Active), me), None);
        assert_eq!(alert_for(&message(crate::MessageSender::Visitor, Bot), me), None);
        assert_eq!(alert_for(&message(crate::MessageSender::Visitor, Waiting), me), None);
    }
}
