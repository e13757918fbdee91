-- The buyer's seller feedback on each order (one per order): the day it was left and its stars.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: feedback, touched_orders
-- params: none

with given as (
    select * from feedback
    where order_id in (select order_id from touched_orders)
),

final as (
    select
        order_id,
        min(feedback_date) as feedback_date,
        arg_min(rating, feedback_date) as feedback_rating
    from given
    group by order_id
)

select * from final
