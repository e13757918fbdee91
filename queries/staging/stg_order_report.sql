-- Order Report (New Orders) lines: seller-fulfilled orders with the buyer's relay e-mail and delivery window.
-- Phones, recipient and addresses are not kept. Input: raw_order_report. Parameters: $marketplace.
-- reads: raw_order_report, marketplaces
-- params: $marketplace

with source as (
    select * from raw_order_report
),

typed as (
    select
        v_required(v_text("order-id"), 'order-id') as order_id,
        v_required(v_text("order-item-id"), 'order-item-id') as order_item_id,
        v_required(v_ts("purchase-date", 'purchase-date'), 'purchase-date') as purchase_ts,
        v_ts("payments-date", 'payments-date') as payments_ts,
        v_text("buyer-email") as buyer_email,
        v_text("buyer-name") as buyer_name,
        v_text("sku") as sku,
        v_text("product-name") as product_name,
        v_int("quantity-purchased", 'quantity-purchased') as quantity,
        v_text("currency") as currency,
        v_num("item-price", 'item-price') as item_price,
        v_num("item-tax", 'item-tax') as item_tax,
        v_num("shipping-price", 'shipping-price') as shipping_price,
        v_num("shipping-tax", 'shipping-tax') as shipping_tax,
        v_text("ship-service-level") as ship_service_level,
        v_text("ship-country") as ship_country,
        v_ts("delivery-start-date", 'delivery-start-date') as delivery_start_ts,
        v_ts("delivery-end-date", 'delivery-end-date') as delivery_end_ts,
        v_text("delivery-time-zone") as delivery_time_zone,
        v_text("sales-channel") as sales_channel
    from source
),

final as (
    select
        typed.order_id,
        typed.order_item_id,
        typed.purchase_ts,
        typed.payments_ts,
        typed.buyer_email,
        typed.buyer_name,
        typed.sku,
        typed.product_name,
        typed.quantity,
        typed.currency,
        typed.item_price,
        typed.item_tax,
        typed.shipping_price,
        typed.shipping_tax,
        typed.ship_service_level,
        typed.ship_country,
        typed.delivery_start_ts,
        typed.delivery_end_ts,
        typed.delivery_time_zone,
        typed.sales_channel,
        case
            when typed.sales_channel is null then $marketplace
            else marketplaces.code
        end as marketplace
    from typed
    left join marketplaces on lower(typed.sales_channel) = lower(marketplaces.sales_channel)
)

select * from final
