-- Date Range report rows (Payments > Reports Repository: one row per transaction, with its fees, and from
-- 2025 its status - Released or Deferred - and release date). A row's identity is the hash of what does not
-- change when a deferred transaction is released (when, what, which order, the amounts) plus its occurrence
-- among identical rows; its settlement, status and release date are kept from the latest word on it
-- (`version`: released over deferred, a known release instant over none). The buyer's city, state and postal
-- code are not kept.

create table date_range (
    line_hash ubigint not null,
    occurrence integer not null,
    posted_ts timestamptz not null,
    settlement_id varchar,
    type varchar not null,
    type_text varchar not null,
    order_id varchar,
    sku varchar,
    description varchar,
    quantity integer,
    marketplace_text varchar,
    marketplace varchar,
    currency varchar,
    fulfilment varchar,
    product_sales decimal(18, 4),
    product_sales_tax decimal(18, 4),
    shipping_credits decimal(18, 4),
    shipping_credits_tax decimal(18, 4),
    gift_wrap_credits decimal(18, 4),
    gift_wrap_credits_tax decimal(18, 4),
    promotional_rebates decimal(18, 4),
    promotional_rebates_tax decimal(18, 4),
    marketplace_withheld_tax decimal(18, 4),
    sales_tax_collected decimal(18, 4),
    marketplace_facilitator_tax decimal(18, 4),
    selling_fees decimal(18, 4),
    fba_fees decimal(18, 4),
    other_transaction_fees decimal(18, 4),
    other decimal(18, 4),
    total decimal(18, 4) not null,
    status varchar,
    release_ts timestamptz,
    version bigint not null,
    language varchar not null,
);
