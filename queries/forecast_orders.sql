-- Sold orders grouped for the feedback forecast: orders alike in currency, marketplace, local purchase day,
-- delivery window and its basis, shipped state, first feedback (day and stars) and the day feedback was
-- requested (the request log) make one row, with how many they are and their value. One pass over the order lines;
-- numpy works on the groups. The delivery window: delivery_estimates, else the purchase day plus the
-- assumed transit (transit_assumptions, or the $fba_edd/$fba_ldd, $mfn_edd/$mfn_ldd overrides when not
-- null). Feedback and requests dated after $as_of are not known yet.
-- Parameters: $as_of, $fba_edd, $fba_ldd, $mfn_edd, $mfn_ldd. Reads sales_lines (cut at as-of) and
-- order_refunds (for the same as-of).

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
        v_delivery_day(
            orders.time_zone,
            estimates.earliest_ts,
            orders.purchase_date,
            case when orders.fba then $fba_edd else $mfn_edd end,
            transit.earliest_days
        ) as earliest_delivery,
        v_delivery_day(
            orders.time_zone,
            estimates.latest_ts,
            orders.purchase_date,
            case when orders.fba then $fba_ldd else $mfn_ldd end,
            transit.latest_days
        ) as latest_delivery,
        estimates.order_id is not null as estimated,
        orders.shipped,
        first_feedback.feedback_date,
        first_feedback.rating,
        requests.requested_on,
        refunds.order_id is not null as refunded,
        orders.value
    from orders
    left join delivery_estimates as estimates using (order_id)
    left join transit_assumptions as transit
        on transit.code = orders.marketplace and transit.channel = case when orders.fba then 'fba' else 'mfn' end
    left join first_feedback using (order_id)
    left join feedback_requests as requests
        on requests.order_id = orders.order_id and requests.requested_on <= $as_of
    left join order_refunds as refunds on refunds.order_id = orders.order_id
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
        requested_on,
        refunded,
        count(*) as orders,
        sum(value) as value
    from dated
    group by all
)

select * from final
order by all
