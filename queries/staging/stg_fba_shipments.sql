-- Amazon Fulfilled Shipments lines: FBA dispatch and the estimated arrival (there is no actual delivery date).
-- Phones and addresses are not kept. Input: raw_fba_shipments. Parameters: $marketplace.
-- reads: raw_fba_shipments, marketplaces
-- params: $marketplace

with source as (
    select * from raw_fba_shipments
),

typed as (
    select
        v_required(v_text("amazon-order-id"), 'amazon-order-id') as order_id,
        coalesce(v_text("shipment-id"), '') as shipment_id,
        coalesce(v_text("shipment-item-id"), '') as shipment_item_id,
        v_text("merchant-order-id") as merchant_order_id,
        v_text("amazon-order-item-id") as order_item_id,
        v_ts("purchase-date", 'purchase-date') as purchase_ts,
        v_ts("payments-date", 'payments-date') as payments_ts,
        v_ts("shipment-date", 'shipment-date') as shipment_ts,
        v_ts("reporting-date", 'reporting-date') as reporting_ts,
        v_text("buyer-email") as buyer_email,
        v_text("buyer-name") as buyer_name,
        v_text("sku") as sku,
        v_text("product-name") as product_name,
        v_int("quantity-shipped", 'quantity-shipped') as quantity_shipped,
        v_text("currency") as currency,
        v_num("item-price", 'item-price') as item_price,
        v_num("item-tax", 'item-tax') as item_tax,
        v_num("shipping-price", 'shipping-price') as shipping_price,
        v_num("shipping-tax", 'shipping-tax') as shipping_tax,
        v_num("gift-wrap-price", 'gift-wrap-price') as gift_wrap_price,
        v_num("gift-wrap-tax", 'gift-wrap-tax') as gift_wrap_tax,
        v_num("item-promotion-discount", 'item-promotion-discount') as item_promotion_discount,
        v_num("ship-promotion-discount", 'ship-promotion-discount') as ship_promotion_discount,
        v_text("ship-service-level") as ship_service_level,
        v_text("ship-country") as ship_country,
        v_text("carrier") as carrier,
        v_text("tracking-number") as tracking_number,
        v_ts("estimated-arrival-date", 'estimated-arrival-date') as estimated_arrival_ts,
        v_text("fulfillment-center-id") as fulfillment_center_id,
        v_text("fulfillment-channel") as fulfillment_channel,
        v_text("sales-channel") as sales_channel
    from source
),

final as (
    select
        typed.*,
        case
            when typed.sales_channel is null then $marketplace
            else marketplaces.code
        end as marketplace
    from typed
    left join marketplaces on lower(typed.sales_channel) = lower(marketplaces.sales_channel)
)

select * from final
