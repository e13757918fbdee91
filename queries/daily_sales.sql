-- Daily sales in one currency, every day from the first sale to $as_of (days without orders are zeros, not
-- gaps), with 7- and 28-day rolling sums. Parameters: $as_of, $currency, $marketplace (NULL: all
-- marketplaces selling in that currency).

with chosen as (
    select *
    from sales_lines
    where sale_currency = $currency
        and ($marketplace::varchar is null or marketplace = $marketplace)
),

per_day as (
    select
        sale_date,
        count(distinct order_id) as orders,
        sum(units) as units,
        coalesce(sum(sales), 0) as sales,
        count(distinct order_id) filter (where unpriced) as unpriced_orders,
        count(distinct order_id) filter (where pending) as pending_orders
    from chosen
    group by sale_date
),

spine as (
    select unnest(generate_series(
        (select min(sale_date) from chosen), $as_of::date, interval 1 day
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
