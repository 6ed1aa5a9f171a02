DROP TABLE contact_calls;
