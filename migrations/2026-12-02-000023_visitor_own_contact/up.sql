-- A visitor's own contact: the anonymous contact created with the visitor, which the visitor
-- may fill in. It never becomes a known client the visitor named (that client only gets the
-- conversation), and it may go away (deleted once a chat was attached to a known client and
-- nothing else refers to it, or by an admin) without ending the visitor and its block.
ALTER TABLE visitors ALTER COLUMN contact_id DROP NOT NULL;
ALTER TABLE visitors DROP CONSTRAINT visitors_contact_id_fkey;
ALTER TABLE visitors ADD CONSTRAINT visitors_contact_id_fkey
    FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE SET NULL;

-- What the visitor typed about themselves in this chat (name, e-mail, phone): what an agent
-- who may not see the linked client is shown instead of it.
ALTER TABLE conversations ADD COLUMN visitor_given jsonb NOT NULL DEFAULT '{}';
