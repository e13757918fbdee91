-- The delivery estimate of each order from the exports that carry one: the Order Report's
-- delivery-start-date and delivery-end-date, Amazon Fulfilled Shipments' estimated-arrival-date (the earliest
-- start, the latest end; an order shipped in parts spans all of them). No export has an actual delivery date.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: order_report, fba_shipments, touched_orders
-- params: none

with promised as (
    select order_id, delivery_start_ts as earliest_ts, delivery_end_ts as latest_ts
    from order_report
    where order_id in (select order_id from touched_orders)
    union all
    select order_id, estimated_arrival_ts, estimated_arrival_ts
    from fba_shipments
    where order_id in (select order_id from touched_orders)
),

final as (
    select
        order_id,
        min(coalesce(earliest_ts, latest_ts)) as earliest_ts,
        max(coalesce(latest_ts, earliest_ts)) as latest_ts
    from promised
    where earliest_ts is not null or latest_ts is not null
    group by order_id
)

select order_id, earliest_ts, latest_ts
from final
