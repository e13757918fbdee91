-- The currencies the seller sells in, largest first (by orders), with the marketplaces behind each.
-- No parameters (reads sales_lines, already cut at the as-of date).

with lines as (
    select * from sales_lines
),

final as (
    select
        sale_currency as currency,
        count(distinct order_id) as orders,
        coalesce(sum(sales), 0) as sales,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null) as marketplaces
    from lines
    where sale_currency is not null
    group by sale_currency
)

select * from final
order by orders desc, currency
