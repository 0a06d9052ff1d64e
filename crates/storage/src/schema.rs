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
        followers_count -> BigInt,
        following_count -> BigInt,
        statuses_count -> BigInt,
        last_status_at -> Nullable<Timestamp>,
        location -> Nullable<Text>,
        directory_peer -> Nullable<Text>,
        suspended_at -> Nullable<Timestamp>,
        silenced_at -> Nullable<Timestamp>,
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
        /// Department-only: shown to people of this instance only, never federated.
        local_only -> Bool,
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
        dropped -> Bool,
    }
}

diesel::table! {
    federation_peers (authority) {
        authority -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    domain_blocks (domain) {
        domain -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
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

diesel::table! {
    oauth_applications (id) {
        id -> BigInt,
        name -> Text,
        website -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        client_id -> Text,
        client_secret_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_authorization_codes (code_hash) {
        code_hash -> Text,
        application_id -> BigInt,
        account_id -> BigInt,
        scopes -> Text,
        redirect_uri -> Text,
        code_challenge -> Nullable<Text>,
        code_challenge_method -> Nullable<Text>,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_access_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        application_id -> BigInt,
        account_id -> Nullable<BigInt>,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    oidc_identities (issuer, subject) {
        issuer -> Text,
        subject -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        last_login_at -> Timestamp,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        nonce -> Text,
        code_verifier -> Text,
        return_to -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        account_id -> BigInt,
        from_account_id -> BigInt,
        kind -> Text,
        post_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        report_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    home_feed (account_id, post_id) {
        account_id -> BigInt,
        post_id -> BigInt,
        origin_account_id -> BigInt,
    }
}

diesel::table! {
    lists (id) {
        id -> BigInt,
        account_id -> BigInt,
        title -> Text,
        replies_policy -> Text,
        exclusive -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    list_accounts (list_id, account_id) {
        list_id -> BigInt,
        account_id -> BigInt,
    }
}

diesel::table! {
    markers (account_id, timeline) {
        account_id -> BigInt,
        timeline -> Text,
        last_read_id -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bookmarks (id) {
        id -> BigInt,
        account_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blocks (id) {
        id -> BigInt,
        account_id -> BigInt,
        target_account_id -> BigInt,
        uri -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mutes (id) {
        id -> BigInt,
        account_id -> BigInt,
        target_account_id -> BigInt,
        notifications -> Bool,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stream_events (id) {
        id -> BigInt,
        kind -> Text,
        post_id -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        notification_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    article_categories (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
        channel_account_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        body_markdown -> Text,
        body_html -> Text,
        category_id -> Nullable<BigInt>,
        author_id -> BigInt,
        owner_id -> BigInt,
        status -> Text,
        official -> Bool,
        must_read -> Bool,
        pinned -> Bool,
        review_by -> Nullable<Date>,
        post_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        /// The visible text of `body_html`, which full-text search indexes; NULL until start-up
        /// derives it for rows written before the column existed.
        body_text -> Nullable<Text>,
        /// Department-only: shown to people of this instance only, never federated.
        local_only -> Bool,
    }
}

diesel::table! {
    article_tags (article_id, name) {
        article_id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    article_revisions (id) {
        id -> BigInt,
        article_id -> BigInt,
        editor_id -> BigInt,
        title -> Text,
        summary -> Text,
        body_markdown -> Text,
        change_note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    article_acknowledgements (article_id, account_id) {
        article_id -> BigInt,
        account_id -> BigInt,
        created_at -> Timestamp,
        uri -> Nullable<Text>,
    }
}

diesel::table! {
    scim_users (id) {
        id -> Text,
        account_id -> BigInt,
        user_name -> Text,
        user_name_key -> Text,
        external_id -> Nullable<Text>,
        resource -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    filters (id) {
        id -> BigInt,
        account_id -> BigInt,
        title -> Text,
        contexts -> Text,
        action -> Text,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    filter_keywords (id) {
        id -> BigInt,
        filter_id -> BigInt,
        keyword -> Text,
        whole_word -> Bool,
    }
}

diesel::table! {
    filter_statuses (id) {
        id -> BigInt,
        filter_id -> BigInt,
        post_id -> BigInt,
    }
}

diesel::joinable!(filter_keywords -> filters (filter_id));
diesel::joinable!(filter_statuses -> filters (filter_id));

diesel::table! {
    direct_threads (post_id) {
        post_id -> BigInt,
        root_id -> BigInt,
    }
}

diesel::table! {
    account_conversations (id) {
        id -> BigInt,
        account_id -> BigInt,
        root_id -> BigInt,
        last_post_id -> BigInt,
        participant_ids -> Text,
        unread -> Bool,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(account_conversations -> posts (last_post_id));
diesel::joinable!(web_sessions -> accounts (account_id));
diesel::joinable!(oidc_identities -> accounts (account_id));
diesel::joinable!(posts -> accounts (account_id));
diesel::joinable!(post_mentions -> posts (post_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(favourites -> posts (post_id));
diesel::joinable!(deliveries -> outbound_activities (outbound_activity_id));
diesel::joinable!(home_feed -> posts (post_id));
diesel::joinable!(bookmarks -> posts (post_id));
diesel::joinable!(list_accounts -> lists (list_id));
diesel::joinable!(oauth_access_tokens -> oauth_applications (application_id));
diesel::joinable!(articles -> article_categories (category_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(article_revisions -> accounts (editor_id));
diesel::joinable!(article_acknowledgements -> articles (article_id));
diesel::joinable!(article_acknowledgements -> accounts (account_id));
diesel::table! {
    audit_log (id) {
        id -> BigInt,
        created_at -> Timestamp,
        actor_kind -> Text,
        actor_account_id -> Nullable<BigInt>,
        action -> Text,
        target -> Nullable<Text>,
        reason -> Nullable<Text>,
        address -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        account_id -> BigInt,
        target_account_id -> BigInt,
        comment -> Text,
        category -> Text,
        forwarded -> Bool,
        uri -> Nullable<Text>,
        assigned_account_id -> Nullable<BigInt>,
        action_taken_at -> Nullable<Timestamp>,
        action_taken_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    report_statuses (report_id, post_id) {
        report_id -> BigInt,
        post_id -> BigInt,
    }
}

diesel::table! {
    /// Statuses a person pins to their profile.
    status_pins (account_id, post_id) {
        account_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media_attachments (id) {
        id -> BigInt,
        account_id -> BigInt,
        post_id -> Nullable<BigInt>,
        kind -> Text,
        content_type -> Text,
        file_key -> Text,
        thumbnail_key -> Nullable<Text>,
        file_size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        small_width -> Nullable<Integer>,
        small_height -> Nullable<Integer>,
        blurhash -> Nullable<Text>,
        description -> Text,
        focus_x -> Float,
        focus_y -> Float,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Polls attached to posts.
    polls (post_id) {
        post_id -> BigInt,
        options -> Text,
        multiple -> Bool,
        hide_totals -> Bool,
        expires_at -> Nullable<Timestamp>,
        closed -> Bool,
        cached_counts -> Nullable<Text>,
        cached_voters -> Nullable<BigInt>,
        update_due_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Votes in polls, one row per chosen option.
    poll_votes (id) {
        id -> BigInt,
        post_id -> BigInt,
        account_id -> BigInt,
        choice -> Integer,
        uri -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_media (id) {
        id -> BigInt,
        url -> Text,
        cache_key -> Text,
        content_type -> Text,
        size -> BigInt,
        fetched_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    status_idempotency (account_id, idempotency_key) {
        account_id -> BigInt,
        idempotency_key -> Text,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    communities (account_id) {
        account_id -> BigInt,
        title -> Text,
        description -> Text,
        posting -> Text,
        membership -> Text,
        visibility -> Text,
        archived_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    community_moderators (community_id, account_id) {
        community_id -> BigInt,
        account_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    community_posts (post_id) {
        post_id -> BigInt,
        community_id -> BigInt,
        thread_id -> BigInt,
        title -> Nullable<Text>,
    }
}

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
    oauth_applications,
    oauth_authorization_codes,
    oauth_access_tokens,
    web_sessions,
    oidc_identities,
    oidc_logins,
    notifications,
    home_feed,
    lists,
    list_accounts,
    markers,
    bookmarks,
    blocks,
    mutes,
    stream_events,
    article_categories,
    articles,
    article_tags,
    article_revisions,
    article_acknowledgements,
    federation_peers,
    domain_blocks,
    audit_log,
    status_idempotency,
    status_pins,
    media_attachments,
    reports,
    report_statuses,
    scim_users,
    filters,
    filter_keywords,
    filter_statuses,
    direct_threads,
    account_conversations,
    communities,
    community_moderators,
    community_posts,
    polls,
    poll_votes,
    remote_media,
);
