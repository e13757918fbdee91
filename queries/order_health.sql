-- Each order (Non-Amazon left out) on its marketplace's local purchase day, with what happened to it by
-- $as_of: cancelled (and whether the buyer asked for it, where the report says), negative feedback (1-2
-- stars), an A-to-z claim (Returns flag or a settlement line), a chargeback, a refund. Parameters: $as_of.
-- Reads order_claims (a temp table of queries/order_claims.sql for the same as-of).

with lines as (
    select
        all_orders.*,
        timezone(coalesce(marketplaces.time_zone, 'UTC'), all_orders.purchase_ts)::date as sale_date
    from all_orders
    left join marketplaces on all_orders.marketplace = marketplaces.code
    where all_orders.sales_channel is distinct from 'Non-Amazon'
),

orders as (
    select
        order_id,
        min(sale_date) as sale_date,
        max(fulfillment_channel) as fulfillment_channel,
        bool_and(coalesce(order_status, '') in ('Cancelled', 'Canceled') or item_status = 'Cancelled') as cancelled,
        bool_or(is_buyer_requested_cancellation) as buyer_cancelled
    from lines
    group by order_id
),

negative as (
    select distinct order_id from feedback where rating <= 2 and feedback_date <= $as_of
),

final as (
    select
        orders.order_id,
        orders.sale_date,
        orders.fulfillment_channel,
        orders.cancelled,
        orders.buyer_cancelled,
        negative.order_id is not null as negative_feedback,
        coalesce(claims.a_to_z_claim, false) as a_to_z_claim,
        coalesce(claims.chargeback, false) as chargeback,
        coalesce(claims.refunded, false) as refunded
    from orders
    left join negative using (order_id)
    left join order_claims as claims using (order_id)
)

select * from final
where sale_date <= $as_of
