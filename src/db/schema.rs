//! Diesel table definitions, shared by the SQLite and PostgreSQL backends.

diesel::table! {
    accounts (id) {
        id -> BigInt,
        actor_type -> Text,
        username -> Text,
        domain -> Nullable<Text>,
        uri -> Text,
        url -> Nullable<Text>,
        display_name -> Text,
        bio -> Text,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        outbox_url -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        following_url -> Nullable<Text>,
        public_key_id -> Text,
        public_key_pem -> Text,
        private_key_pem -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        header_url -> Nullable<Text>,
        locked -> Bool,
        discoverable -> Bool,
        department -> Nullable<Text>,
        job_title -> Nullable<Text>,
        expertise -> Text,
        fields -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        fetched_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (account_id) {
        account_id -> BigInt,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        last_active_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, users);
