-- The order table: one row per order (All Orders is the order stream; an order id belongs to one
-- marketplace), with everything the answers ask of an order - its local purchase day, state, channel, value
-- and currency, delivery estimate, feedback, refunds, claims and the day its buyer was asked. Events carry
-- their day, so an answer cuts at its as-of date with `<=`; the state of an order's lines (cancelled,
-- shipped) is the latest download's. Stored as the table `orders`, rebuilt at import for the orders each file
-- touched (touched_orders: each order_* relation reads only those) and read by every answer; the delivery
-- window is decided in order_windows.
-- reads: order_lines, order_delivery, order_feedback, order_refunds, order_claims, order_requests, order_buyers,
--     marketplaces
-- params: none

with lines as (
    select * from order_lines
),

per_order as (
    select
        order_id,
        any_value(marketplace) as marketplace,  -- an order belongs to one marketplace
        coalesce(any_value(currency) filter (where not cancelled), any_value(currency)) as currency,
        min(purchase_date) as purchase_date,
        max(last_updated_ts) as last_updated_ts,
        bool_and(cancelled) as cancelled,
        bool_or(shipped) as shipped,
        bool_or(pending) filter (where not cancelled) as pending,
        bool_or(non_amazon) as non_amazon,
        case when bool_or(fba) then 'fba' else 'mfn' end as channel,
        coalesce(sum(units) filter (where not cancelled), 0) as units,
        coalesce(sum(value) filter (where not cancelled), 0) as value,
        coalesce(bool_or(unpriced) filter (where not cancelled), false) as unpriced,
        bool_or(buyer_cancelled) as buyer_cancelled
    from lines
    group by order_id
),

final as (
    select
        per_order.order_id,
        per_order.marketplace,
        per_order.currency,
        per_order.purchase_date,
        per_order.last_updated_ts,
        case
            when per_order.cancelled then 'cancelled'
            when per_order.shipped then 'shipped'
            when per_order.pending then 'pending'
            else 'unshipped'
        end as status,
        per_order.cancelled,
        per_order.shipped,
        coalesce(per_order.pending, false) as pending,
        per_order.non_amazon,
        per_order.channel,
        per_order.units,
        per_order.value::decimal(18, 4) as value,
        per_order.unpriced,
        per_order.buyer_cancelled,
        timezone(coalesce(marketplaces.time_zone, 'UTC'), delivery.earliest_ts)::date as estimated_earliest,
        timezone(coalesce(marketplaces.time_zone, 'UTC'), delivery.latest_ts)::date as estimated_latest,
        feedback.feedback_date,
        feedback.feedback_rating,
        refunds.refunded_on,
        refunds.fully_refunded_on,
        claims.return_requested_on,
        case when claims.a_to_z then coalesce(claims.a_to_z_on, per_order.purchase_date) end as a_to_z_on,
        claims.chargeback_on,
        requests.asked_on,
        buyers.buyer_name,
        buyers.buyer_email
    from per_order
    left join marketplaces on marketplaces.code = per_order.marketplace
    left join order_delivery as delivery using (order_id)
    left join order_feedback as feedback using (order_id)
    left join order_refunds as refunds using (order_id)
    left join order_claims as claims using (order_id)
    left join order_requests as requests using (order_id)
    left join order_buyers as buyers using (order_id)
)

select * from final
