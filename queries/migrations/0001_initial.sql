-- The first velocity store: one table per export kind, cleaned and typed, plus the imported-files ledger.
-- Money is decimal(18, 4) in the row's currency; instants are timestamptz (UTC); personal data is kept only
-- where a feature needs it (buyer relay e-mail and name for the contact list; no phones, no addresses).
-- Every data table carries row_hash: a tie-break that makes merges independent of import order.

create table velocity_meta (
    key varchar primary key,
    value varchar
);

create table imported_files (
    sha256 varchar primary key,
    path varchar not null,
    kind varchar not null,
    rows bigint not null,
    new_rows bigint not null,
    updated_rows bigint not null,
    unchanged_rows bigint not null,
    marketplace varchar,
    imported_at timestamptz not null,
    note varchar
);

create table all_orders (
    order_id varchar not null,
    sku varchar not null,
    order_item_id varchar,
    merchant_order_id varchar,
    purchase_ts timestamptz not null,
    last_updated_ts timestamptz,
    order_status varchar,
    fulfillment_channel varchar,
    sales_channel varchar,
    marketplace varchar,
    order_channel varchar,
    ship_service_level varchar,
    product_name varchar,
    asin varchar,
    item_status varchar,
    quantity integer,
    currency varchar,
    item_price decimal(18, 4),
    item_tax decimal(18, 4),
    shipping_price decimal(18, 4),
    shipping_tax decimal(18, 4),
    gift_wrap_price decimal(18, 4),
    gift_wrap_tax decimal(18, 4),
    item_promotion_discount decimal(18, 4),
    ship_promotion_discount decimal(18, 4),
    ship_country varchar,
    promotion_ids varchar,
    is_business_order boolean,
    is_prime boolean,
    is_replacement_order boolean,
    is_buyer_requested_cancellation boolean,
    row_hash ubigint not null
);

create table order_report (
    order_id varchar not null,
    order_item_id varchar not null,
    purchase_ts timestamptz not null,
    payments_ts timestamptz,
    buyer_email varchar,
    buyer_name varchar,
    sku varchar,
    product_name varchar,
    quantity integer,
    currency varchar,
    item_price decimal(18, 4),
    item_tax decimal(18, 4),
    shipping_price decimal(18, 4),
    shipping_tax decimal(18, 4),
    ship_service_level varchar,
    ship_country varchar,
    delivery_start_ts timestamptz,
    delivery_end_ts timestamptz,
    delivery_time_zone varchar,
    sales_channel varchar,
    marketplace varchar,
    row_hash ubigint not null
);

create table unshipped_orders (
    order_id varchar not null,
    order_item_id varchar not null,
    purchase_ts timestamptz not null,
    payments_ts timestamptz,
    reporting_ts timestamptz,
    promise_ts timestamptz,
    days_past_promise integer,
    buyer_email varchar,
    sku varchar,
    product_name varchar,
    quantity_purchased integer,
    quantity_shipped integer,
    quantity_to_ship integer,
    ship_service_level varchar,
    ship_country varchar,
    is_business_order boolean,
    is_prime boolean,
    marketplace varchar,
    row_hash ubigint not null
);

create table fba_shipments (
    order_id varchar not null,
    shipment_id varchar not null,
    shipment_item_id varchar not null,
    merchant_order_id varchar,
    order_item_id varchar,
    purchase_ts timestamptz,
    payments_ts timestamptz,
    shipment_ts timestamptz,
    reporting_ts timestamptz,
    buyer_email varchar,
    buyer_name varchar,
    sku varchar,
    product_name varchar,
    quantity_shipped integer,
    currency varchar,
    item_price decimal(18, 4),
    item_tax decimal(18, 4),
    shipping_price decimal(18, 4),
    shipping_tax decimal(18, 4),
    gift_wrap_price decimal(18, 4),
    gift_wrap_tax decimal(18, 4),
    item_promotion_discount decimal(18, 4),
    ship_promotion_discount decimal(18, 4),
    ship_service_level varchar,
    ship_country varchar,
    carrier varchar,
    tracking_number varchar,
    estimated_arrival_ts timestamptz,
    fulfillment_center_id varchar,
    fulfillment_channel varchar,
    sales_channel varchar,
    marketplace varchar,
    row_hash ubigint not null
);

create table feedback (
    order_id varchar not null,
    feedback_date date not null,
    rating integer not null,
    comments varchar,
    response varchar,
    rater_email varchar,
    arrived_on_time varchar,
    item_as_described varchar,
    customer_service varchar,
    rater_role varchar,
    marketplace varchar,
    date_format varchar not null,
    row_hash ubigint not null
);

create table feedback_ratings (
    marketplace varchar not null,
    as_of date not null,
    period varchar not null,
    positive integer not null,
    neutral integer not null,
    negative integer not null,
    row_hash ubigint not null
);

create table settlements (
    settlement_id varchar not null,
    start_ts timestamptz,
    end_ts timestamptz,
    deposit_ts timestamptz,
    total_amount decimal(18, 4),
    currency varchar,
    row_hash ubigint not null
);

create table settlement_lines (
    settlement_id varchar not null,
    line_hash ubigint not null,
    occurrence integer not null,
    transaction_type varchar,
    order_id varchar,
    merchant_order_id varchar,
    adjustment_id varchar,
    shipment_id varchar,
    marketplace_name varchar,
    marketplace varchar,
    amount_type varchar,
    amount_description varchar,
    amount decimal(18, 4) not null,
    currency varchar,
    fulfillment_id varchar,
    posted_date date,
    posted_ts timestamptz,
    order_item_code varchar,
    merchant_order_item_id varchar,
    merchant_adjustment_item_id varchar,
    sku varchar,
    quantity integer,
    promotion_id varchar,
    row_hash ubigint not null
);

create table returns (
    order_id varchar not null,
    amazon_rma_id varchar not null,
    sku varchar not null,
    order_ts timestamptz,
    return_request_ts timestamptz,
    return_request_status varchar,
    merchant_rma_id varchar,
    label_type varchar,
    label_cost decimal(18, 4),
    currency varchar,
    return_carrier varchar,
    tracking_id varchar,
    label_to_be_paid_by varchar,
    a_to_z_claim boolean,
    is_prime boolean,
    asin varchar,
    item_name varchar,
    return_quantity integer,
    return_reason varchar,
    in_policy boolean,
    return_type varchar,
    resolution varchar,
    return_delivery_ts timestamptz,
    order_amount decimal(18, 4),
    order_quantity integer,
    safet_claim_id varchar,
    safet_claim_state varchar,
    safet_claim_reimbursement decimal(18, 4),
    refunded_amount decimal(18, 4),
    marketplace varchar,
    row_hash ubigint not null
);

create table fba_returns (
    order_id varchar not null,
    sku varchar not null,
    return_ts timestamptz not null,
    license_plate_number varchar not null,
    asin varchar,
    fnsku varchar,
    product_name varchar,
    quantity integer,
    fulfillment_center_id varchar,
    detailed_disposition varchar,
    reason varchar,
    status varchar,
    customer_comments varchar,
    marketplace varchar,
    row_hash ubigint not null
);

create table account_health (
    marketplace_id varchar not null,
    metric varchar not null,
    fulfillment varchar not null,
    date_to timestamptz,
    date_from timestamptz,
    marketplace varchar,
    status varchar,
    rate double,
    target_value double,
    target_condition varchar,
    order_count bigint,
    event_count bigint,
    claims bigint,
    chargebacks bigint,
    negative_feedback bigint,
    score double,
    row_hash ubigint not null
);
