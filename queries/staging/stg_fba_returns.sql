-- FBA customer returns: units buyers sent back to Amazon's warehouses, with disposition and reason.
-- Input: raw_fba_returns. Parameters: $marketplace.
-- reads: raw_fba_returns
-- params: $marketplace

with source as (
    select * from raw_fba_returns
),

final as (
    select
        v_required(v_text("order-id"), 'order-id') as order_id,
        coalesce(v_text("sku"), '') as sku,
        v_required(v_ts("return-date", 'return-date'), 'return-date') as return_ts,
        coalesce(v_text("license-plate-number"), '') as license_plate_number,
        v_text("asin") as asin,
        v_text("fnsku") as fnsku,
        v_text("product-name") as product_name,
        v_int("quantity", 'quantity') as quantity,
        v_text("fulfillment-center-id") as fulfillment_center_id,
        v_text("detailed-disposition") as detailed_disposition,
        v_text("reason") as reason,
        v_text("status") as status,
        v_text("customer-comments") as customer_comments,
        $marketplace::varchar as marketplace
    from source
)

select * from final
