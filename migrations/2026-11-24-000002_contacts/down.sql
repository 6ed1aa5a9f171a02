DROP TABLE email_outbox;
DROP TABLE notifications;
DROP TABLE idempotency_keys;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contact_activities;
DROP TABLE contact_notes;
DROP TABLE contacts;
ALTER TABLE sites
    DROP COLUMN auto_assign_enabled,
    DROP COLUMN auto_assign_user_ids,
    DROP COLUMN auto_assign_cursor;
DROP EXTENSION IF EXISTS pg_trgm;
