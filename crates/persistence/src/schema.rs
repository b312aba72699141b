// The tables, as created by `migrations/`. Written by hand: diesel's CLI is not needed to build OrderFlow.

diesel::table! {
    customers (id) {
        id -> Int8,
        email -> Varchar,
        password_hash -> Nullable<Text>,
        first_name -> Varchar,
        last_name -> Varchar,
        phone_number -> Nullable<Varchar>,
        address -> Varchar,
        city -> Varchar,
        state -> Varchar,
        country -> Varchar,
        postal_code -> Varchar,
        role -> Varchar,
        is_verified -> Bool,
        is_active -> Bool,
        email_notifications -> Bool,
        sms_notifications -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        email_key -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        customer_id -> Int8,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attempts (id) {
        id -> Int8,
        key_digest -> Bytea,
        attempt -> Uuid,
        at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(customers, api_tokens, attempts);

diesel::table! {
    categories (id) {
        id -> Int8,
        name -> Varchar,
        slug -> Varchar,
        description -> Text,
        parent_id -> Nullable<Int8>,
        path -> Text,
        level -> Int4,
        image -> Nullable<Varchar>,
        is_active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Uuid,
        name -> Varchar,
        slug -> Varchar,
        description -> Text,
        price -> Numeric,
        category_id -> Int8,
        sku -> Varchar,
        stock_quantity -> Int4,
        image -> Nullable<Varchar>,
        status -> Varchar,
        is_featured -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        category_path -> Text,
    }
}

diesel::joinable!(products -> categories (category_id));
diesel::allow_tables_to_appear_in_same_query!(categories, products);

diesel::table! {
    category_price_stats (category_id) {
        category_id -> Int8,
        product_count -> Int8,
        price_sum -> Numeric,
        min_price -> Nullable<Numeric>,
        max_price -> Nullable<Numeric>,
    }
}

diesel::joinable!(category_price_stats -> categories (category_id));
diesel::allow_tables_to_appear_in_same_query!(category_price_stats, categories);
diesel::allow_tables_to_appear_in_same_query!(category_price_stats, products);

diesel::table! {
    orders (id) {
        id -> Uuid,
        order_number -> Varchar,
        customer_id -> Int8,
        status -> Varchar,
        total_amount -> Numeric,
        shipping_address -> Text,
        billing_address -> Text,
        phone_number -> Varchar,
        notes -> Text,
        is_paid -> Bool,
        payment_method -> Varchar,
        payment_reference -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    order_items (id) {
        id -> Uuid,
        order_id -> Uuid,
        product_id -> Uuid,
        product_name -> Varchar,
        product_sku -> Varchar,
        quantity -> Int4,
        unit_price -> Numeric,
        subtotal -> Numeric,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    order_number_counters (day) {
        day -> Date,
        last_value -> Int4,
    }
}

diesel::table! {
    order_events (id) {
        id -> Int8,
        order_id -> Uuid,
        event_type -> Varchar,
        from_status -> Nullable<Varchar>,
        to_status -> Nullable<Varchar>,
        actor -> Varchar,
        note -> Text,
        created_at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        recipient_id -> Nullable<Int8>,
        channel -> Nullable<Varchar>,
    }
}

diesel::table! {
    idempotency_keys (customer_id, idempotency_key) {
        customer_id -> Int8,
        idempotency_key -> Varchar,
        request_hash -> Bytea,
        order_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(orders -> customers (customer_id));
diesel::joinable!(order_items -> orders (order_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(orders, customers);
diesel::allow_tables_to_appear_in_same_query!(orders, order_items);
diesel::allow_tables_to_appear_in_same_query!(orders, order_events);

diesel::table! {
    notifications (id) {
        id -> Uuid,
        channel -> Varchar,
        recipient_id -> Nullable<Int8>,
        recipient_name -> Varchar,
        address -> Varchar,
        order_id -> Nullable<Uuid>,
        subject -> Varchar,
        body -> Text,
        status -> Varchar,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        locked_by -> Nullable<Varchar>,
        sent_at -> Nullable<Timestamptz>,
        error_message -> Text,
        provider_message_id -> Varchar,
        cost_currency -> Nullable<Varchar>,
        cost_amount -> Nullable<Numeric>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notification_workers (id) {
        id -> Varchar,
        host -> Varchar,
        pid -> Int4,
        started_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::joinable!(notifications -> orders (order_id));
diesel::joinable!(notifications -> customers (recipient_id));
diesel::allow_tables_to_appear_in_same_query!(notifications, orders);
diesel::allow_tables_to_appear_in_same_query!(notifications, customers);

diesel::table! {
    oidc_pending_logins (state) {
        state -> Varchar,
        nonce -> Varchar,
        pkce_verifier -> Varchar,
        next_path -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    oidc_identities (issuer, subject) {
        issuer -> Varchar,
        subject -> Varchar,
        customer_id -> Int8,
        linked_at -> Timestamptz,
    }
}

diesel::joinable!(oidc_identities -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(oidc_identities, customers);
