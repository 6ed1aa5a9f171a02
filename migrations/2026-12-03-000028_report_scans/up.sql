-- What the reports scan, kept cheap to scan (issue 24's aim: a 90-day report of a 1M-client
-- account in < 300 ms).

-- When a person first acted on a client: a change they made, a note they wrote, or a chat
-- reply. Kept by triggers so every writer counts; each trigger's UPDATE touches the client
-- only while the column is empty or later, i.e. once.
ALTER TABLE contacts ADD COLUMN first_action_at timestamptz;

UPDATE contacts c SET first_action_at = f.first_at
FROM (SELECT contact_id, min(at) AS first_at FROM (
        SELECT contact_id, created_at AS at FROM contact_activities WHERE actor_user_id IS NOT NULL
        UNION ALL SELECT contact_id, created_at FROM contact_notes WHERE author_id IS NOT NULL
        UNION ALL SELECT v.contact_id, m.sent_at FROM messages m JOIN conversations v ON v.id = m.conversation_id
                  WHERE m.sender = 'agent') AS actions
      GROUP BY contact_id) f
WHERE f.contact_id = c.id;

CREATE FUNCTION contacts_first_action() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'messages' THEN
        -- A reply holds its conversation's lock; a writer holding the client's (an edit, a
        -- merge) may want the conversation next. Rather than wait in that cycle, a reply
        -- skips a client locked right now: that writer is a person's action on the client,
        -- which sets the moment itself.
        UPDATE contacts c SET first_action_at = NEW.sent_at
        WHERE c.id = (SELECT x.id FROM contacts x JOIN conversations v ON v.contact_id = x.id
                      WHERE v.id = NEW.conversation_id
                        AND (x.first_action_at IS NULL OR x.first_action_at > NEW.sent_at)
                      FOR UPDATE OF x SKIP LOCKED);
    ELSE
        UPDATE contacts SET first_action_at = NEW.created_at
        WHERE id = NEW.contact_id AND (first_action_at IS NULL OR first_action_at > NEW.created_at);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER contacts_first_action_activity AFTER INSERT ON contact_activities
    FOR EACH ROW WHEN (NEW.actor_user_id IS NOT NULL) EXECUTE FUNCTION contacts_first_action();
CREATE TRIGGER contacts_first_action_note AFTER INSERT ON contact_notes
    FOR EACH ROW WHEN (NEW.author_id IS NOT NULL) EXECUTE FUNCTION contacts_first_action();
CREATE TRIGGER contacts_first_action_reply AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.sender = 'agent') EXECUTE FUNCTION contacts_first_action();

-- The client list's index, now also carrying what the leads report groups by: the report's
-- scans of a period read the index alone (index-only scans), not a million-row table.
DROP INDEX contacts_all_list_idx;
CREATE INDEX contacts_all_list_idx ON contacts (account_id, first_contact_at DESC, id DESC)
    INCLUDE (source, medium, channel, site_id, assignee_id, status, first_action_at);

-- The desk report scans an account's chats by when they reached the desk.
CREATE INDEX conversations_desk_report_idx ON conversations (account_id, waiting_since) WHERE waiting_since IS NOT NULL;
