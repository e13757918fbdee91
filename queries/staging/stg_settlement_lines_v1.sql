-- Settlement V1 transaction lines, unpivoted into the V2 shape: each V1 row spreads its amounts over
-- price / item-related-fee / shipment-fee / order-fee / misc / other-fee / promotion / direct-payment /
-- other-amount columns; each non-empty amount becomes one line (amount_type names the V1 column group,
-- amount_description its *-type text; for other-amount the transaction type, so that
-- 'Current Reserve Amount' reads the same as in V2). Input: raw_settlement. Parameters: $posted_date_format.
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

rows_ as (
    select
        v_required(v_text("settlement-id"), 'settlement-id') as settlement_id,
        v_text("transaction-type") as transaction_type,
        v_text("order-id") as order_id,
        v_text("merchant-order-id") as merchant_order_id,
        v_text("adjustment-id") as adjustment_id,
        v_text("shipment-id") as shipment_id,
        v_text("marketplace-name") as marketplace_name,
        v_text("fulfillment-id") as fulfillment_id,
        v_date("posted-date", $posted_date_format, 'posted-date') as posted_date,
        case
            when $posted_date_format = 'iso' and length(trim("posted-date")) > 10 then v_ts("posted-date", 'posted-date')
        end as posted_ts,
        v_text("order-item-code") as order_item_code,
        v_text("merchant-order-item-id") as merchant_order_item_id,
        v_text("merchant-adjustment-item-id") as merchant_adjustment_item_id,
        v_text("sku") as sku,
        v_int("quantity-purchased", 'quantity-purchased') as quantity,
        v_text("promotion-id") as promotion_id,
        [
            {'type': 'ItemPrice', 'description': v_text("price-type"), 'amount': v_num("price-amount", 'price-amount')},
            {'type': 'ItemFees', 'description': v_text("item-related-fee-type"), 'amount': v_num("item-related-fee-amount", 'item-related-fee-amount')},
            {'type': 'ShipmentFees', 'description': v_text("shipment-fee-type"), 'amount': v_num("shipment-fee-amount", 'shipment-fee-amount')},
            {'type': 'OrderFees', 'description': v_text("order-fee-type"), 'amount': v_num("order-fee-amount", 'order-fee-amount')},
            {'type': 'MiscFees', 'description': 'misc-fee-amount', 'amount': v_num("misc-fee-amount", 'misc-fee-amount')},
            {'type': 'OtherFees', 'description': v_text("other-fee-reason-description"), 'amount': v_num("other-fee-amount", 'other-fee-amount')},
            {'type': 'Promotion', 'description': v_text("promotion-type"), 'amount': v_num("promotion-amount", 'promotion-amount')},
            {'type': 'DirectPayment', 'description': v_text("direct-payment-type"), 'amount': v_num("direct-payment-amount", 'direct-payment-amount')},
            {'type': 'other-transaction', 'description': v_text("transaction-type"), 'amount': v_num("other-amount", 'other-amount')}
        ] as amounts
    from source
    where v_text("total-amount") is null
),

lines as (
    select
        rows_.* exclude (amounts),
        component.type as amount_type,
        component.description as amount_description,
        component.amount as amount
    from rows_, unnest(rows_.amounts) as u(component)
    where component.amount is not null
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
