DROP INDEX contacts_assignee_all_list_idx;
DROP INDEX contacts_all_list_idx;
