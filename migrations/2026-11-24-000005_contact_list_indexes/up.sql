-- The "All" tab (no status) and an agent's or assignee's list across statuses walk these
-- in order instead of sorting every row of the account.
CREATE INDEX contacts_all_list_idx ON contacts (account_id, first_contact_at DESC, id DESC);
CREATE INDEX contacts_assignee_all_list_idx ON contacts (account_id, assignee_id, first_contact_at DESC, id DESC);
