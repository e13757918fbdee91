-- The buyer of each order as the exports name them: the Amazon relay e-mail and the name, from the Order
-- Report, Amazon Fulfilled Shipments or Unshipped Orders (All Orders carries neither). For the contact list
-- only; no phones or addresses are kept anywhere.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: order_report, fba_shipments, unshipped_orders, touched_orders
-- params: none

with named as (
    select order_id, buyer_name, buyer_email from order_report
    where order_id in (select order_id from touched_orders)
    union all
    select order_id, buyer_name, buyer_email from fba_shipments
    where order_id in (select order_id from touched_orders)
    union all
    select order_id, null, buyer_email from unshipped_orders
    where order_id in (select order_id from touched_orders)
),

final as (
    select order_id, max(buyer_name) as buyer_name, max(buyer_email) as buyer_email
    from named
    group by order_id
)

select * from final
