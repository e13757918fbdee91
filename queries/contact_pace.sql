-- Orders a day over the 7 days to $as_of (cancelled and Non-Amazon ones aside): Amazon caps buyer messages
-- at about 5 times this plus 600 a day. Parameters: $as_of. Reads contact_orders.

with final as (
    select count(*) / 7.0 as orders_per_day
    from contact_orders
    where purchase_date > $as_of - 7
        and coalesce(reason, '') not in ('cancelled', 'non_amazon')
)

select orders_per_day from final
