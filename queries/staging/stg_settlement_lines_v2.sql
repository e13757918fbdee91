-- Settlement V2 transaction lines (one row per amount component), with the settlement's currency and a line
-- identity: the hash of the line's content plus its occurrence among identical lines of the settlement.
-- Held funds are amount-description 'Current Reserve Amount' (negative) / 'Previous Reserve Amount Balance'.
-- Input: raw_settlement. Parameters: $posted_date_format ('iso' or a strptime format, resolved per file).
-- reads: raw_settlement, marketplaces
-- params: $posted_date_format

with source as (
    select * from raw_settlement
),

currencies as (
    select v_text("settlement-id") as settlement_id, max(v_text("currency")) as currency
    from source
    group by all
),

lines as (
    select
        v_required(v_text("settlement-id"), 'settlement-id') as settlement_id,
        v_text("transaction-type") as transaction_type,
        v_text("order-id") as order_id,
        v_text("merchant-order-id") as merchant_order_id,
        v_text("adjustment-id") as adjustment_id,
        v_text("shipment-id") as shipment_id,
        v_text("marketplace-name") as marketplace_name,
        v_text("amount-type") as amount_type,
        v_text("amount-description") as amount_description,
        v_required(v_num("amount", 'amount'), 'amount') as amount,
        v_text("fulfillment-id") as fulfillment_id,
        v_date("posted-date", $posted_date_format, 'posted-date') as posted_date,
        coalesce(
            v_ts("posted-date-time", 'posted-date-time'),
            case when $posted_date_format = 'iso' and length(trim("posted-date")) > 10 then v_ts("posted-date", 'posted-date') end
        ) as posted_ts,
        v_text("order-item-code") as order_item_code,
        v_text("merchant-order-item-id") as merchant_order_item_id,
        v_text("merchant-adjustment-item-id") as merchant_adjustment_item_id,
        v_text("sku") as sku,
        v_int("quantity-purchased", 'quantity-purchased') as quantity,
        v_text("promotion-id") as promotion_id
    from source
    where v_text("total-amount") is null
),

identified as (
    select
        lines.*,
        hash(
            settlement_id, transaction_type, order_id, merchant_order_id, adjustment_id, shipment_id,
            marketplace_name, amount_type, amount_description, amount, fulfillment_id, posted_date, posted_ts,
            order_item_code, merchant_order_item_id, merchant_adjustment_item_id, sku, quantity, promotion_id
        ) as line_hash
    from lines
),

final as (
    select
        identified.settlement_id,
        identified.line_hash,
        row_number() over (partition by identified.settlement_id, identified.line_hash)::integer as occurrence,
        identified.transaction_type,
        identified.order_id,
        identified.merchant_order_id,
        identified.adjustment_id,
        identified.shipment_id,
        identified.marketplace_name,
        marketplaces.code as marketplace,
        identified.amount_type,
        identified.amount_description,
        identified.amount,
        currencies.currency,
        identified.fulfillment_id,
        identified.posted_date,
        identified.posted_ts,
        identified.order_item_code,
        identified.merchant_order_item_id,
        identified.merchant_adjustment_item_id,
        identified.sku,
        identified.quantity,
        identified.promotion_id
    from identified
    left join currencies using (settlement_id)
    left join marketplaces on lower(identified.marketplace_name) = lower(marketplaces.sales_channel)
)

select * from final
