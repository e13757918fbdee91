-- Sold orders grouped for the feedback forecast: orders alike in currency, marketplace, local purchase day,
-- delivery window and its basis, channel, shipped state and first feedback (day and stars) make one row,
-- with how many they are and their value. One pass over the order lines; numpy works on the groups.
-- The delivery window comes from the Order Report's delivery-start/end-date, else the Amazon Fulfilled
-- Shipments' estimated-arrival-date, else purchase day plus the assumed transit of the fulfilment channel
-- ($fba_edd/$fba_ldd, $mfn_edd/$mfn_ldd days). No export carries an actual delivery date, so the basis is
-- 'estimated' or 'assumed'. Feedback dated after $as_of is not known yet.
-- Parameters: $as_of, $fba_edd, $fba_ldd, $mfn_edd, $mfn_ldd. Reads sales_lines (cut at as-of).

with orders as (
    select
        order_id,
        min(sale_currency) as currency,
        min(marketplace) as marketplace,
        min(time_zone) as time_zone,
        min(sale_date) as purchase_date,
        bool_or(fba) as fba,
        bool_or(shipped) as shipped,
        coalesce(sum(sales), 0) as value
    from sales_lines
    group by order_id
),

promised as (
    select order_id, delivery_start_ts as earliest_ts, delivery_end_ts as latest_ts
    from order_report
    union all
    select order_id, estimated_arrival_ts, estimated_arrival_ts
    from fba_shipments
),

estimates as (
    select order_id, min(earliest_ts) as earliest_ts, max(latest_ts) as latest_ts
    from promised
    where earliest_ts is not null or latest_ts is not null
    group by order_id
),

first_feedback as (
    select order_id, min(feedback_date) as feedback_date, arg_min(rating, feedback_date) as rating
    from feedback
    where feedback_date <= $as_of
    group by order_id
),

dated as (
    select
        orders.currency,
        orders.marketplace,
        orders.purchase_date,
        coalesce(
            timezone(orders.time_zone, coalesce(estimates.earliest_ts, estimates.latest_ts))::date,
            orders.purchase_date + case when orders.fba then $fba_edd else $mfn_edd end::integer
        ) as earliest_delivery,
        coalesce(
            timezone(orders.time_zone, coalesce(estimates.latest_ts, estimates.earliest_ts))::date,
            orders.purchase_date + case when orders.fba then $fba_ldd else $mfn_ldd end::integer
        ) as latest_delivery,
        estimates.order_id is not null as estimated,
        orders.shipped,
        first_feedback.feedback_date,
        first_feedback.rating,
        orders.value
    from orders
    left join estimates using (order_id)
    left join first_feedback using (order_id)
),

final as (
    select
        currency,
        marketplace,
        purchase_date,
        earliest_delivery,
        latest_delivery,
        estimated,
        shipped,
        feedback_date,
        rating,
        count(*) as orders,
        sum(value) as value
    from dated
    group by all
)

select * from final
order by all
