DROP TABLE contact_files;
