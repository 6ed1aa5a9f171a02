-- Files kept on a client (a contract, a proposal), beside its cards' attachments: the bytes in
-- the object store under `storage_key`, which the server makes up; `filename` only shown.
CREATE TABLE contact_files (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    storage_key text NOT NULL UNIQUE,
    uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_files_contact_idx ON contact_files (contact_id, created_at);
