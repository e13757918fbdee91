-- The sales of the window Amazon's velocity check looks at - the 28 local days $first..$last (for a hold:
-- the 28 days before it) - in one currency: orders shipped or pending, not cancelled, not multi-channel, and
-- their value. The one count of "orders before the hold": velocity sales quotes it and velocity forecast's
-- default target is built on it. $marketplace (NULL: all) narrows to one.
-- reads: orders
-- params: $first, $last, $currency, $marketplace

with sold as (
    select * from orders
    where not cancelled and not non_amazon
        and currency = $currency
        and ($marketplace::varchar is null or marketplace = $marketplace)
        and purchase_date between $first and $last
),

final as (
    select
        count(*) as orders,
        coalesce(sum(value), 0) as sales,
        count(*) filter (where unpriced) as unpriced_orders
    from sold
)

select * from final
