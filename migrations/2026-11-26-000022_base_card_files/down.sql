DROP INDEX card_attachments_key_idx;
ALTER TABLE card_attachments ADD CONSTRAINT card_attachments_storage_key_key UNIQUE (storage_key);
DROP TABLE board_base_attachments;
