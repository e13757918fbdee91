-- One row per order (not per item) for the feedback-request list, with whether it may be asked on $as_of and,
-- if not, why: non_amazon, cancelled, refunded (fully), pending (not shipped yet), opted_out (its order id or
-- buyer e-mail is in $opted_out), feedback_received, already_requested (the request log), window_closed or
-- not_open_yet. The request window runs from the earliest delivery + 5 days to the latest + 30, both included
-- (delivery_estimates, else the assumed transit: delivery_basis says which). An open return or an A-to-z
-- claim is a note, never a reason: Amazon forbids choosing buyers by how happy they seem. No export carries
-- buyer messages, so unanswered messages cannot be noted.
-- Parameters: $as_of, $opted_out (order ids and lower-case e-mails), $fba_edd, $fba_ldd, $mfn_edd, $mfn_ldd.
-- Reads order_refunds and order_claims (temp tables of their queries for the same as-of).

with lines as (
    select
        all_orders.*,
        coalesce(marketplaces.time_zone, 'UTC') as time_zone,
        timezone(coalesce(marketplaces.time_zone, 'UTC'), all_orders.purchase_ts)::date as purchase_date
    from all_orders
    left join marketplaces on all_orders.marketplace = marketplaces.code
),

orders as (
    select
        order_id,
        min(marketplace) as marketplace,
        min(time_zone) as time_zone,
        min(purchase_date) as purchase_date,
        bool_or(fulfillment_channel = 'Amazon') as fba,
        bool_or(sales_channel = 'Non-Amazon') as non_amazon,
        bool_and(
            coalesce(order_status, '') in ('Cancelled', 'Canceled') or coalesce(item_status, '') = 'Cancelled'
        ) as cancelled,
        bool_or(coalesce(order_status, '') like 'Shipped%' or coalesce(item_status, '') like 'Shipped%') as shipped,
        sum(item_price) filter (where coalesce(item_status, '') <> 'Cancelled') as principal
    from lines
    group by order_id
),

returned as (
    select order_id, min(return_request_ts) as requested_ts
    from returns
    where coalesce(return_request_ts::date, $as_of) <= $as_of
    group by order_id
),

refunds as (
    select order_id from order_refunds
),

buyers as (
    select order_id, max(buyer_name) as buyer_name, max(buyer_email) as buyer_email
    from (
        select order_id, buyer_name, buyer_email from order_report
        union all
        select order_id, buyer_name, buyer_email from fba_shipments
        union all
        select order_id, null, buyer_email from unshipped_orders
    )
    group by order_id
),

first_feedback as (
    select order_id, min(feedback_date) as feedback_date
    from feedback
    where feedback_date <= $as_of
    group by order_id
),

windowed as (
    select
        orders.*,
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
        case when estimates.order_id is null then 'assumed' else 'estimated' end as delivery_basis,
        refunds.order_id is not null as fully_refunded,
        returned.requested_ts is not null as returned,
        timezone(orders.time_zone, returned.requested_ts)::date as return_requested,
        coalesce(claims.a_to_z_claim, false) as a_to_z_claim,
        first_feedback.feedback_date,
        requests.requested_on,
        buyers.buyer_name,
        buyers.buyer_email
    from orders
    left join delivery_estimates as estimates using (order_id)
    left join transit_assumptions as transit
        on transit.code = orders.marketplace and transit.channel = case when orders.fba then 'fba' else 'mfn' end
    left join refunds using (order_id)
    left join order_claims as claims using (order_id)
    left join returned using (order_id)
    left join buyers using (order_id)
    left join first_feedback using (order_id)
    left join feedback_requests as requests
        on requests.order_id = orders.order_id and requests.requested_on <= $as_of
    where orders.purchase_date <= $as_of
),

final as (
    select
        order_id,
        marketplace,
        purchase_date,
        latest_delivery as delivery_date,
        delivery_basis,
        earliest_delivery,
        earliest_delivery + 5 as window_opens,
        latest_delivery + 30 as window_closes,
        (latest_delivery + 30) - $as_of as days_left,
        case
            when non_amazon then 'non_amazon'
            when cancelled then 'cancelled'
            when fully_refunded then 'refunded'
            when not shipped then 'pending'
            when list_contains($opted_out, order_id) or list_contains($opted_out, lower(buyer_email))
                then 'opted_out'
            when feedback_date is not null then 'feedback_received'
            when requested_on is not null then 'already_requested'
            when $as_of > latest_delivery + 30 then 'window_closed'
            when $as_of < earliest_delivery + 5 then 'not_open_yet'
        end as reason,
        concat_ws(
            '; ',
            case when returned and not fully_refunded then 'return requested ' || return_request_ts_text end,
            case when a_to_z_claim then 'A-to-z claim' end
        ) as note,
        feedback_date,
        requested_on,
        buyer_name,
        buyer_email
    from (select *, strftime(return_requested, '%Y-%m-%d') as return_request_ts_text from windowed)
)

select *, case when reason is null then 'eligible' else 'excluded' end as status
from final
order by order_id
