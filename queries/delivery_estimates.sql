-- Delivery estimates per order from the exports that carry one: the Order Report's delivery-start-date and
-- delivery-end-date, Amazon Fulfilled Shipments' estimated-arrival-date (the earliest start, the latest end).
-- No export has an actual delivery date. No parameters.

with promised as (
    select order_id, delivery_start_ts as earliest_ts, delivery_end_ts as latest_ts
    from order_report
    union all
    select order_id, estimated_arrival_ts, estimated_arrival_ts
    from fba_shipments
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
