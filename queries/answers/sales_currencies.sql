-- The currencies the seller sells in up to $as_of, largest first (by orders), with the marketplaces behind
-- each; only sales count (not cancelled, not multi-channel). $marketplace (NULL: all) narrows to one.
-- reads: orders
-- params: $as_of, $marketplace

with sold as (
    select * from orders
    where not cancelled and not non_amazon
        and purchase_date <= $as_of
        and ($marketplace::varchar is null or marketplace = $marketplace)
),

final as (
    select
        currency,
        count(*) as orders,
        sum(value) as sales,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null) as marketplaces
    from sold
    where currency is not null
    group by currency
)

select * from final
order by orders desc, currency
