DROP TABLE lead_sla_clocks;
DROP INDEX conversations_sla_watch_idx;
ALTER TABLE conversations DROP COLUMN sla_breached_at, DROP COLUMN sla_due_at;
ALTER TABLE sites DROP COLUMN sla_lead_first_contact_minutes, DROP COLUMN sla_chat_first_response_secs;
