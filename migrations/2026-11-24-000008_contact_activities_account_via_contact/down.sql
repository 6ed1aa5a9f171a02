ALTER TABLE contact_activities
    ADD CONSTRAINT contact_activities_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
