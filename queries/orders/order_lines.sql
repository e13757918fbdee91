-- Every All Orders line as a sale, with the rules every answer shares, each written here once:
--   * the local purchase day: the purchase instant on the marketplace's own calendar (Europe/London for UK);
--   * cancelled: the order's status is Cancelled (Canceled in API files) or the line's item status is;
--   * shipped: the order or the line says Shipped (India's 'Shipped - Delivered to Buyer' too);
--   * pending: the order is Pending (Amazon has not released it; seller-fulfilled ones show no price);
--   * value: item price + shipping + gift wrap - promotion discounts, tax excluded, in the line's currency
--     (a pending line has none: it keeps its marketplace's usual currency and no value).
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: all_orders, marketplaces, touched_orders
-- params: none

with lines as (
    select * from all_orders
    where order_id in (select order_id from touched_orders)
),

placed as (
    select
        lines.*,
        coalesce(marketplaces.time_zone, 'UTC') as time_zone,
        coalesce(lines.currency, marketplaces.currency) as sale_currency
    from lines
    left join marketplaces on lines.marketplace = marketplaces.code
),

final as (
    select
        order_id,
        sku,
        marketplace,
        time_zone,
        sale_currency as currency,
        purchase_ts,
        timezone(time_zone, purchase_ts)::date as purchase_date,
        last_updated_ts,
        coalesce(order_status, '') in ('Cancelled', 'Canceled') or coalesce(item_status, '') = 'Cancelled'
            as cancelled,
        coalesce(order_status, '') = 'Pending' as pending,
        coalesce(order_status, '') like 'Shipped%' or coalesce(item_status, '') like 'Shipped%' as shipped,
        fulfillment_channel = 'Amazon' as fba,
        coalesce(sales_channel = 'Non-Amazon', false) as non_amazon,
        coalesce(quantity, 0) as units,
        item_price as principal,
        item_price is null as unpriced,
        case
            when item_price is not null then
                item_price
                + coalesce(shipping_price, 0)
                + coalesce(gift_wrap_price, 0)
                - abs(coalesce(item_promotion_discount, 0))
                - abs(coalesce(ship_promotion_discount, 0))
        end as value,
        is_buyer_requested_cancellation as buyer_cancelled
    from placed
)

select * from final
