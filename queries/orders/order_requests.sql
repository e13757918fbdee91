-- The day each order's buyer was asked for feedback (the request log: velocity contacts --mark-sent and
-- --record-sent) - the one rule for "already asked": once per order, ever, the first request counting.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: feedback_requests, touched_orders
-- params: none

with log as (
    select * from feedback_requests
    where order_id in (select order_id from touched_orders)
),

final as (
    select order_id, min(requested_on) as asked_on
    from log
    group by order_id
)

select * from final
