-- What GET /api/v1/contacts?limit=50 runs for an admin with no filter: the first page
-- (one row more than the page, to know whether another follows) and the tab counts.
SELECT "contacts"."id", "contacts"."site_id", "contacts"."name", "contacts"."email", "contacts"."phone", "contacts"."first_contact_at", "contacts"."source", "contacts"."medium", "contacts"."channel", "contacts"."rating", "contacts"."status", "contacts"."assignee_id", "contacts"."tags", "contacts"."blocked" FROM "contacts" WHERE ("contacts"."account_id" = :account) ORDER BY "contacts"."first_contact_at" DESC, "contacts"."id" DESC LIMIT 51;
SELECT "contact_counts"."status", "contact_counts"."n" FROM "contact_counts" WHERE ("contact_counts"."account_id" = :account);
