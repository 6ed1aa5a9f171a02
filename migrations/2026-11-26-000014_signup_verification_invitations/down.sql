DROP TABLE invitations;
DROP TABLE signup_requests;
DELETE FROM email_outbox WHERE account_id IS NULL;
ALTER TABLE email_outbox ALTER COLUMN account_id SET NOT NULL;
