-- All Orders report lines (every header generation), typed and renamed once.
-- Input: raw_all_orders (the file, all text, every known column present; absent ones NULL).
-- Parameters: $marketplace - the marketplace to assume where sales-channel does not name one (or NULL).
-- reads: raw_all_orders, marketplaces
-- params: $marketplace

with source as (
    select * from raw_all_orders
),

typed as (
    select
        v_required(v_text("amazon-order-id"), 'amazon-order-id') as order_id,
        coalesce(v_text("sku"), '') as sku,
        v_text("order-item-id") as order_item_id,
        v_text("merchant-order-id") as merchant_order_id,
        v_required(v_ts("purchase-date", 'purchase-date'), 'purchase-date') as purchase_ts,
        v_ts("last-updated-date", 'last-updated-date') as last_updated_ts,
        v_text("order-status") as order_status,
        v_text("fulfillment-channel") as fulfillment_channel,
        v_text("sales-channel") as sales_channel,
        v_text("order-channel") as order_channel,
        v_text("ship-service-level") as ship_service_level,
        v_text("product-name") as product_name,
        v_text("asin") as asin,
        v_text("item-status") as item_status,
        v_int("quantity", 'quantity') as quantity,
        v_text("currency") as currency,
        v_num("item-price", 'item-price') as item_price,
        v_num("item-tax", 'item-tax') as item_tax,
        v_num("shipping-price", 'shipping-price') as shipping_price,
        v_num("shipping-tax", 'shipping-tax') as shipping_tax,
        v_num("gift-wrap-price", 'gift-wrap-price') as gift_wrap_price,
        v_num("gift-wrap-tax", 'gift-wrap-tax') as gift_wrap_tax,
        v_num("item-promotion-discount", 'item-promotion-discount') as item_promotion_discount,
        v_num("ship-promotion-discount", 'ship-promotion-discount') as ship_promotion_discount,
        v_text("ship-country") as ship_country,
        v_text("promotion-ids") as promotion_ids,
        v_bool("is-business-order") as is_business_order,
        v_bool("is-prime") as is_prime,
        v_bool("is-replacement-order") as is_replacement_order,
        v_bool("is-buyer-requested-cancellation") as is_buyer_requested_cancellation
    from source
),

final as (
    select
        typed.order_id,
        typed.sku,
        typed.order_item_id,
        typed.merchant_order_id,
        typed.purchase_ts,
        typed.last_updated_ts,
        typed.order_status,
        typed.fulfillment_channel,
        typed.sales_channel,
        case
            when typed.sales_channel is null then $marketplace
            else marketplaces.code
        end as marketplace,
        typed.order_channel,
        typed.ship_service_level,
        typed.product_name,
        typed.asin,
        typed.item_status,
        typed.quantity,
        typed.currency,
        typed.item_price,
        typed.item_tax,
        typed.shipping_price,
        typed.shipping_tax,
        typed.gift_wrap_price,
        typed.gift_wrap_tax,
        typed.item_promotion_discount,
        typed.ship_promotion_discount,
        typed.ship_country,
        typed.promotion_ids,
        typed.is_business_order,
        typed.is_prime,
        typed.is_replacement_order,
        typed.is_buyer_requested_cancellation
    from typed
    left join marketplaces on lower(typed.sales_channel) = lower(marketplaces.sales_channel)
)

select * from final
