DROP TRIGGER contacts_count_update ON contacts;
DROP TRIGGER contacts_count_insert_delete ON contacts;
DROP FUNCTION contact_counts_trigger();
DROP FUNCTION contact_counts_apply(uuid, uuid, text, bigint);
DROP TABLE contact_counts;
