// Mirrors migrations/; kept by hand and checked by every integration test that touches it.

diesel::table! {
    accounts (id) {
        id -> Uuid,
        name -> Text,
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
    login_failures (id) {
        id -> Int8,
        email -> Text,
        ip -> Text,
        created_at -> Timestamptz,
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

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(sites -> accounts (account_id));
diesel::joinable!(api_keys -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(accounts, users, refresh_tokens, login_failures, sites, api_keys);
