DROP INDEX conversations_open_owner_idx;
DROP TABLE auto_assignments;
DROP TABLE assignment_queue;
ALTER TABLE sites DROP COLUMN auto_assign_online_only;
ALTER TABLE users DROP COLUMN max_new_leads_per_day, DROP COLUMN max_open_chats;
