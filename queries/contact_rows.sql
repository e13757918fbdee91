-- The rows of the request list to show: the eligible orders, and with $all the excluded ones too.
-- Parameters: $all. Reads contact_orders (a temp table of queries/contact_orders.sql for one as-of).

with final as (
    select * from contact_orders
    where status = 'eligible' or $all
)

select * from final
order by order_id
