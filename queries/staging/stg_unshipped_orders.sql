-- Unshipped Orders lines: what is still to dispatch, with the promise date. No sales-channel column exists,
-- so the marketplace is the one given. Input: raw_unshipped_orders. Parameters: $marketplace.
-- reads: raw_unshipped_orders
-- params: $marketplace

with source as (
    select * from raw_unshipped_orders
),

final as (
    select
        v_required(v_text("order-id"), 'order-id') as order_id,
        v_required(v_text("order-item-id"), 'order-item-id') as order_item_id,
        v_required(v_ts("purchase-date", 'purchase-date'), 'purchase-date') as purchase_ts,
        v_ts("payments-date", 'payments-date') as payments_ts,
        v_ts("reporting-date", 'reporting-date') as reporting_ts,
        v_ts("promise-date", 'promise-date') as promise_ts,
        v_int("days-past-promise", 'days-past-promise') as days_past_promise,
        v_text("buyer-email") as buyer_email,
        v_text("sku") as sku,
        v_text("product-name") as product_name,
        v_int("quantity-purchased", 'quantity-purchased') as quantity_purchased,
        v_int("quantity-shipped", 'quantity-shipped') as quantity_shipped,
        v_int("quantity-to-ship", 'quantity-to-ship') as quantity_to_ship,
        v_text("ship-service-level") as ship_service_level,
        v_text("ship-country") as ship_country,
        v_bool("is-business-order") as is_business_order,
        v_bool("is-prime") as is_prime,
        $marketplace::varchar as marketplace
    from source
)

select * from final
