ALTER TABLE users DROP COLUMN presence;
DROP TABLE canned_responses;
DROP TABLE event_retention;
DROP TABLE events;
DROP TABLE conversation_ignores;
DROP TABLE conversation_participants;
ALTER TABLE messages DROP COLUMN search, DROP COLUMN author_id;
DROP INDEX conversations_inbox_idx, conversations_owner_idx, conversations_closed_idx, conversations_visitor_idx;
ALTER TABLE conversations
    DROP COLUMN status, DROP COLUMN visitor_id, DROP COLUMN owner_id, DROP COLUMN lang, DROP COLUMN page_url,
    DROP COLUMN referrer, DROP COLUMN utm_source, DROP COLUMN utm_medium, DROP COLUMN utm_campaign, DROP COLUMN ip,
    DROP COLUMN user_agent, DROP COLUMN bot_step, DROP COLUMN waiting_since, DROP COLUMN accepted_at,
    DROP COLUMN first_response_at, DROP COLUMN closed_at, DROP COLUMN last_message_at, DROP COLUMN tags;
DROP TABLE blocked_addresses;
DROP TABLE visitors;
ALTER TABLE sites DROP COLUMN chat_bot_enabled, DROP COLUMN chat_bot_questions, DROP COLUMN chat_ignore_minutes;
