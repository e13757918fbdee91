-- Orders a day over the 7 days to $through (cancelled and multi-channel ones aside): Amazon caps buyer
-- messages at about 5 times this plus 600 a day.
-- reads: orders
-- params: $through

with recent as (
    select * from orders
    where purchase_date > $through - 7 and purchase_date <= $through
        and not cancelled and not non_amazon
),

final as (
    select count(*) / 7.0 as orders_per_day
    from recent
)

select orders_per_day from final
