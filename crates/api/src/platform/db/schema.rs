// Mirrors migrations/, written by hand; `migrations::schema_rs_matches_the_migrated_database`
// (make test) fails when a migration and this file disagree.

diesel::table! {
    accounts (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_audit (id) {
        id -> Int8,
        account_id -> Uuid,
        actor_user_id -> Nullable<Uuid>,
        actor_label -> Text,
        action -> Text,
        subject_id -> Nullable<Uuid>,
        details -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        account_id -> Uuid,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        presence -> Text,
        max_open_chats -> Nullable<Int4>,
        max_new_leads_per_day -> Nullable<Int4>,
        lang -> Text,
        sound_alerts -> Bool,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    signup_requests (id) {
        id -> Uuid,
        email -> Text,
        account_name -> Text,
        name -> Text,
        password_hash -> Text,
        token_hash -> Text,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invitations (id) {
        id -> Uuid,
        account_id -> Uuid,
        email -> Text,
        name -> Text,
        role -> Text,
        invited_by -> Nullable<Uuid>,
        token_hash -> Text,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        attempts -> Int4,
        window_started_at -> Timestamptz,
    }
}

diesel::table! {
    sites (id) {
        id -> Uuid,
        account_id -> Uuid,
        name -> Text,
        url -> Nullable<Text>,
        public_key -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        auto_assign_enabled -> Bool,
        auto_assign_user_ids -> Array<Uuid>,
        auto_assign_cursor -> Int8,
        allowed_origins -> Array<Text>,
        chat_bot_enabled -> Bool,
        chat_bot_questions -> Jsonb,
        chat_ignore_minutes -> Int4,
        auto_assign_online_only -> Bool,
        sla_chat_first_response_secs -> Nullable<Int4>,
        sla_lead_first_contact_minutes -> Nullable<Int4>,
        sticky_owner_secs -> Nullable<Int4>,
        reroute_chat_minutes -> Nullable<Int4>,
        reroute_lead_minutes -> Nullable<Int4>,
    }
}

diesel::table! {
    contacts (id) {
        id -> Uuid,
        account_id -> Uuid,
        site_id -> Nullable<Uuid>,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        contact_hours -> Nullable<Text>,
        city -> Nullable<Text>,
        region -> Nullable<Text>,
        country -> Nullable<Text>,
        first_contact_at -> Timestamptz,
        page_url -> Nullable<Text>,
        source -> Nullable<Text>,
        medium -> Nullable<Text>,
        campaign -> Nullable<Text>,
        referrer -> Nullable<Text>,
        ip -> Nullable<Text>,
        channel -> Text,
        rating -> Nullable<Int2>,
        status -> Text,
        assignee_id -> Nullable<Uuid>,
        tags -> Array<Text>,
        custom_fields -> Jsonb,
        blocked -> Bool,
        notes_text -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        first_action_at -> Nullable<Timestamptz>,
        location_from_ip -> Bool,
    }
}

diesel::table! {
    contact_files (id) {
        id -> Uuid,
        account_id -> Uuid,
        contact_id -> Uuid,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        storage_key -> Text,
        uploaded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contact_notes (id) {
        id -> Uuid,
        account_id -> Uuid,
        contact_id -> Uuid,
        author_id -> Nullable<Uuid>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contact_activities (id) {
        id -> Int8,
        account_id -> Uuid,
        contact_id -> Uuid,
        actor_user_id -> Nullable<Uuid>,
        actor_label -> Text,
        field -> Text,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversations (id) {
        id -> Uuid,
        account_id -> Uuid,
        contact_id -> Uuid,
        site_id -> Nullable<Uuid>,
        channel -> Text,
        started_at -> Timestamptz,
        created_at -> Timestamptz,
        status -> Text,
        visitor_id -> Nullable<Uuid>,
        owner_id -> Nullable<Uuid>,
        lang -> Text,
        page_url -> Nullable<Text>,
        referrer -> Nullable<Text>,
        utm_source -> Nullable<Text>,
        utm_medium -> Nullable<Text>,
        utm_campaign -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        bot_step -> Int4,
        waiting_since -> Nullable<Timestamptz>,
        accepted_at -> Nullable<Timestamptz>,
        first_response_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        last_message_at -> Nullable<Timestamptz>,
        tags -> Array<Text>,
        visitor_given -> Jsonb,
        sla_due_at -> Nullable<Timestamptz>,
        sla_breached_at -> Nullable<Timestamptz>,
        offered_to -> Nullable<Uuid>,
        offer_expires_at -> Nullable<Timestamptz>,
        owner_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    messages (id) {
        id -> Uuid,
        account_id -> Uuid,
        conversation_id -> Uuid,
        sender -> Text,
        body -> Text,
        sent_at -> Timestamptz,
        position -> Int4,
        author_id -> Nullable<Uuid>,
        note -> Nullable<Jsonb>,
    }
}

diesel::table! {
    idempotency_keys (account_id, scope, key) {
        account_id -> Uuid,
        key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Int2>,
        response_body -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        scope -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        account_id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        title -> Text,
        contact_id -> Nullable<Uuid>,
        read_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Uuid,
        account_id -> Nullable<Uuid>,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        account_id -> Uuid,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Array<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        account_id -> Uuid,
        url -> Text,
        description -> Text,
        event_types -> Array<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        account_id -> Uuid,
        endpoint_id -> Uuid,
        message_id -> Text,
        kind -> Text,
        subject -> Nullable<Uuid>,
        body -> Text,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        response_status -> Nullable<Int4>,
        response_excerpt -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(sites -> accounts (account_id));
diesel::joinable!(api_keys -> accounts (account_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(invitations -> accounts (account_id));

diesel::joinable!(contacts -> accounts (account_id));
diesel::joinable!(contact_notes -> contacts (contact_id));
diesel::joinable!(contact_activities -> contacts (contact_id));
diesel::table! {
    contact_calls (id) {
        id -> Uuid,
        account_id -> Uuid,
        contact_id -> Uuid,
        conversation_id -> Nullable<Uuid>,
        user_id -> Nullable<Uuid>,
        direction -> Text,
        outcome -> Text,
        duration_secs -> Nullable<Int4>,
        note -> Text,
        called_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}
diesel::joinable!(contact_calls -> contacts (contact_id));
diesel::table! {
    visitors (id) {
        id -> Uuid,
        account_id -> Uuid,
        site_id -> Uuid,
        token_hash -> Text,
        contact_id -> Nullable<Uuid>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        blocked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    blocked_addresses (account_id, ip) {
        account_id -> Uuid,
        ip -> Text,
        blocked_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_participants (conversation_id, user_id) {
        conversation_id -> Uuid,
        user_id -> Uuid,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_ignores (conversation_id, user_id) {
        conversation_id -> Uuid,
        user_id -> Uuid,
        until -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        account_id -> Uuid,
        kind -> Text,
        everyone -> Bool,
        user_ids -> Array<Uuid>,
        visitor_id -> Nullable<Uuid>,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    canned_responses (id) {
        id -> Uuid,
        account_id -> Uuid,
        shortcut -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    boards (id) {
        id -> Uuid,
        account_id -> Uuid,
        name -> Text,
        colour -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        base_card -> Jsonb,
    }
}

diesel::table! {
    assignment_queue (seq) {
        seq -> Int8,
        account_id -> Uuid,
        site_id -> Uuid,
        contact_id -> Uuid,
        arrived_at -> Timestamptz,
    }
}

diesel::table! {
    auto_assignments (id) {
        id -> Int8,
        account_id -> Uuid,
        user_id -> Uuid,
        contact_id -> Uuid,
        assigned_at -> Timestamptz,
        reroute_due_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    lead_sla_clocks (contact_id) {
        contact_id -> Uuid,
        account_id -> Uuid,
        site_id -> Nullable<Uuid>,
        started_at -> Timestamptz,
        due_at -> Timestamptz,
    }
}

diesel::table! {
    board_members (board_id, user_id) {
        board_id -> Uuid,
        user_id -> Uuid,
    }
}

diesel::table! {
    board_stages (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        name -> Text,
        colour -> Text,
        stale_days -> Nullable<Int4>,
        wip_limit -> Nullable<Int4>,
        position -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    board_labels (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        name -> Text,
        colour -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    cards (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        stage_id -> Uuid,
        position -> Text,
        title -> Text,
        description -> Text,
        contact_id -> Nullable<Uuid>,
        amount_minor -> Nullable<Int8>,
        currency -> Nullable<Text>,
        product -> Nullable<Text>,
        version -> Int4,
        archived_at -> Nullable<Timestamptz>,
        lost_at -> Nullable<Timestamptz>,
        lost_reason -> Nullable<Text>,
        converted_to_client_at -> Nullable<Timestamptz>,
        converted_to_service_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        custom_fields -> Jsonb,
    }
}

diesel::table! {
    card_labels (card_id, label_id) {
        card_id -> Uuid,
        label_id -> Uuid,
    }
}

diesel::table! {
    card_members (card_id, user_id) {
        card_id -> Uuid,
        user_id -> Uuid,
    }
}

diesel::table! {
    card_comments (id) {
        id -> Uuid,
        account_id -> Uuid,
        card_id -> Uuid,
        author_id -> Nullable<Uuid>,
        author_label -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    board_history (id) {
        id -> Int8,
        account_id -> Uuid,
        board_id -> Uuid,
        card_id -> Nullable<Uuid>,
        card_title -> Text,
        user_id -> Nullable<Uuid>,
        actor_label -> Text,
        action -> Text,
        field -> Nullable<Text>,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    saved_board_filters (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        query -> Text,
        created_at -> Timestamptz,
        shared -> Bool,
    }
}

diesel::table! {
    saved_contact_filters (id) {
        id -> Uuid,
        account_id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        query -> Text,
        shared -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tasks (id) {
        id -> Uuid,
        account_id -> Uuid,
        title -> Text,
        description -> Text,
        due_at -> Nullable<Timestamptz>,
        assignee_id -> Nullable<Uuid>,
        done_at -> Nullable<Timestamptz>,
        contact_id -> Nullable<Uuid>,
        card_id -> Nullable<Uuid>,
        conversation_id -> Nullable<Uuid>,
        due_notified_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    card_attachments (id) {
        id -> Uuid,
        account_id -> Uuid,
        card_id -> Uuid,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        storage_key -> Text,
        uploaded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    board_base_attachments (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        storage_key -> Text,
        uploaded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    card_relations (low_id, high_id) {
        account_id -> Uuid,
        low_id -> Uuid,
        high_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(cards -> contacts (contact_id));
diesel::joinable!(card_labels -> board_labels (label_id));
diesel::joinable!(cards -> board_stages (stage_id));
diesel::joinable!(conversations -> contacts (contact_id));
diesel::joinable!(conversation_participants -> conversations (conversation_id));
diesel::joinable!(conversation_ignores -> conversations (conversation_id));
diesel::joinable!(messages -> conversations (conversation_id));

diesel::table! {
    board_fields (id) {
        id -> Uuid,
        account_id -> Uuid,
        board_id -> Uuid,
        key -> Text,
        label -> Text,
        kind -> Text,
        options -> Array<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    card_checklist_items (id) {
        id -> Uuid,
        card_id -> Uuid,
        position -> Int4,
        text -> Text,
        done_at -> Nullable<Timestamptz>,
        done_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    account_audit,
    webhook_endpoints,
    webhook_deliveries,
    users,
    refresh_tokens,
    login_throttle,
    password_resets,
    signup_requests,
    invitations,
    sites,
    api_keys,
    contacts,
    contact_files,
    contact_notes,
    contact_activities,
    contact_calls,
    conversations,
    messages,
    visitors,
    blocked_addresses,
    conversation_participants,
    conversation_ignores,
    events,
    canned_responses,
    boards,
    assignment_queue,
    auto_assignments,
    board_members,
    lead_sla_clocks,
    board_stages,
    board_labels,
    cards,
    card_labels,
    card_members,
    card_comments,
    board_history,
    saved_board_filters,
    saved_contact_filters,
    tasks,
    card_attachments,
    board_base_attachments,
    card_relations,
    board_fields,
    card_checklist_items,
    idempotency_keys,
    notifications,
    email_outbox,
);

diesel::table! {
    event_ticket_uses (jti) {
        jti -> Uuid,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    import_slots (id) {
        id -> Uuid,
        account_id -> Uuid,
        taken_at -> Timestamptz,
    }
}

diesel::table! {
    import_jobs (id) {
        id -> Uuid,
        account_id -> Uuid,
        created_by -> Nullable<Uuid>,
        status -> Text,
        total_rows -> Int4,
        processed_rows -> Int4,
        created -> Int4,
        updated -> Int4,
        skipped -> Int4,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    contact_counts (account_id, assignee_key, status, shard) {
        account_id -> Uuid,
        assignee_key -> Uuid,
        status -> Text,
        shard -> Int2,
        n -> Int8,
    }
}

diesel::table! {
    custom_field_definitions (id) {
        id -> Uuid,
        account_id -> Uuid,
        key -> Text,
        label -> Text,
        kind -> Text,
        options -> Array<Text>,
        created_at -> Timestamptz,
    }
}
