-- Daily sales in one currency, every local day from the first sale to $through (days without orders are
-- zeros, not gaps), with 7- and 28-day rolling sums. Sales are orders not cancelled and not multi-channel;
-- a pending order without a price is counted, not valued. $marketplace (NULL: every marketplace selling in
-- that currency) narrows to one.
-- reads: orders
-- params: $through, $currency, $marketplace

with sold as (
    select * from orders
    where not cancelled and not non_amazon
        and currency = $currency
        and ($marketplace::varchar is null or marketplace = $marketplace)
        and purchase_date <= $through
),

per_day as (
    select
        purchase_date as sale_date,
        count(*) as orders,
        sum(units) as units,
        sum(value) as sales,
        count(*) filter (where unpriced) as unpriced_orders,
        count(*) filter (where pending) as pending_orders
    from sold
    group by purchase_date
),

spine as (
    select unnest(generate_series(
        (select min(sale_date) from per_day), $through::date, interval 1 day
    ))::date as sale_date
),

filled as (
    select
        spine.sale_date,
        coalesce(per_day.orders, 0) as orders,
        coalesce(per_day.units, 0) as units,
        coalesce(per_day.sales, 0) as sales,
        coalesce(per_day.unpriced_orders, 0) as unpriced_orders,
        coalesce(per_day.pending_orders, 0) as pending_orders
    from spine
    left join per_day using (sale_date)
),

final as (
    select
        sale_date as date,
        orders,
        units,
        sales,
        unpriced_orders,
        pending_orders,
        sum(sales) over (order by sale_date rows between 6 preceding and current row) as sales_7d,
        sum(orders) over (order by sale_date rows between 6 preceding and current row) as orders_7d,
        sum(sales) over (order by sale_date rows between 27 preceding and current row) as sales_28d,
        sum(orders) over (order by sale_date rows between 27 preceding and current row) as orders_28d
    from filled
)

select * from final
order by date
