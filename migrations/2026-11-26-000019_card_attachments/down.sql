DROP TABLE card_attachments;
