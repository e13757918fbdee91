-- Order lines that count as sales, on the marketplace's local calendar day, valued in their currency:
-- item price + shipping + gift wrap - promotion discounts (tax excluded). Cancelled lines and Non-Amazon
-- (multi-channel) lines are left out; a pending line without a price is kept, flagged, and not valued, in
-- the currency its marketplace usually uses (its own currency field is empty).
-- Parameters: $as_of - the last local day to include.

with lines as (
    select * from all_orders
),

placed as (
    select
        lines.*,
        coalesce(marketplaces.time_zone, 'UTC') as time_zone,
        coalesce(lines.currency, marketplaces.currency) as sale_currency
    from lines
    left join marketplaces on lines.marketplace = marketplaces.code
    where lines.sales_channel is distinct from 'Non-Amazon'
        and coalesce(lines.item_status, '') <> 'Cancelled'
        and coalesce(lines.order_status, '') not in ('Cancelled', 'Canceled')
),

final as (
    select
        order_id,
        sku,
        marketplace,
        sale_currency,
        timezone(time_zone, purchase_ts)::date as sale_date,
        coalesce(quantity, 0) as units,
        item_price is null as unpriced,
        coalesce(order_status, '') = 'Pending' as pending,
        coalesce(order_status, '') like 'Shipped%' or coalesce(item_status, '') like 'Shipped%' as shipped,
        fulfillment_channel = 'Amazon' as fba,
        time_zone,
        case
            when item_price is not null then
                item_price
                + coalesce(shipping_price, 0)
                + coalesce(gift_wrap_price, 0)
                - abs(coalesce(item_promotion_discount, 0))
                - abs(coalesce(ship_promotion_discount, 0))
        end as sales
    from placed
)

select * from final
where sale_date <= $as_of
