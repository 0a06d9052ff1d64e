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

diesel::table! {
    posts (id) {
        id -> BigInt,
        uri -> Text,
        url -> Nullable<Text>,
        account_id -> BigInt,
        object_type -> Text,
        in_reply_to_id -> Nullable<BigInt>,
        in_reply_to_uri -> Nullable<Text>,
        in_reply_to_account_id -> Nullable<BigInt>,
        reblog_of_id -> Nullable<BigInt>,
        content -> Text,
        source_text -> Nullable<Text>,
        summary -> Text,
        sensitive -> Bool,
        visibility -> Text,
        language -> Nullable<Text>,
        attachments -> Text,
        local -> Bool,
        replies_count -> BigInt,
        favourites_count -> BigInt,
        reblogs_count -> BigInt,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    post_mentions (post_id, account_id) {
        post_id -> BigInt,
        account_id -> BigInt,
    }
}

diesel::table! {
    post_tags (post_id, name) {
        post_id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    follows (id) {
        id -> BigInt,
        account_id -> BigInt,
        target_account_id -> BigInt,
        uri -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    favourites (id) {
        id -> BigInt,
        account_id -> BigInt,
        post_id -> BigInt,
        uri -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tombstones (uri) {
        uri -> Text,
        former_type -> Text,
        deleted_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (activity_id) {
        activity_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    outbound_activities (id) {
        id -> BigInt,
        activity_id -> Text,
        actor_id -> BigInt,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        outbound_activity_id -> BigInt,
        inbox_url -> Text,
        host -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    delivery_hosts (host) {
        host -> Text,
        consecutive_failures -> Integer,
        open_until -> Nullable<Timestamp>,
        delivered_count -> BigInt,
        last_success_at -> Nullable<Timestamp>,
        last_failure_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(posts -> accounts (account_id));
diesel::joinable!(post_mentions -> posts (post_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(favourites -> posts (post_id));
diesel::joinable!(deliveries -> outbound_activities (outbound_activity_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    users,
    posts,
    post_mentions,
    post_tags,
    follows,
    favourites,
    tombstones,
    received_activities,
    outbound_activities,
    deliveries,
    delivery_hosts,
);
