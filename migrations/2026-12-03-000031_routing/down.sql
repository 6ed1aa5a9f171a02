ALTER TABLE auto_assignments DROP COLUMN reroute_due_at;
ALTER TABLE conversations DROP COLUMN offered_to, DROP COLUMN offer_expires_at, DROP COLUMN owner_since;
ALTER TABLE sites DROP COLUMN sticky_owner_secs, DROP COLUMN reroute_chat_minutes, DROP COLUMN reroute_lead_minutes;
