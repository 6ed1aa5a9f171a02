DROP TABLE event_ticket_uses;
