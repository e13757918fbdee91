-- How many orders each exclusion reason holds back (eligible ones under reason NULL), and how many of the
-- not-yet-open ones open within $soon days of $as_of. Parameters: $as_of, $soon. Reads contact_orders.

with final as (
    select
        reason,
        count(*) as orders,
        count(*) filter (where reason = 'not_open_yet' and window_opens <= $as_of + $soon::integer) as opening_soon
    from contact_orders
    group by reason
)

select * from final
order by reason nulls first
