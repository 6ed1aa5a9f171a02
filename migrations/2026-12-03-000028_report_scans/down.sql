DROP INDEX conversations_desk_report_idx;
DROP INDEX contacts_all_list_idx;
CREATE INDEX contacts_all_list_idx ON contacts (account_id, first_contact_at DESC, id DESC);
DROP TRIGGER contacts_first_action_reply ON messages;
DROP TRIGGER contacts_first_action_note ON contact_notes;
DROP TRIGGER contacts_first_action_activity ON contact_activities;
DROP FUNCTION contacts_first_action();
ALTER TABLE contacts DROP COLUMN first_action_at;
