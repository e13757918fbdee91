-- Orders refunded in full by $as_of: the settlements' refunded principal reaches the principal charged, or
-- the Returns report's refunded amount reaches the order amount. One row per such order (others absent).
-- Parameters: $as_of.

with settled as (
    select
        order_id,
        sum(amount) filter (where transaction_type = 'Order' and amount_description = 'Principal') as charged,
        -sum(amount) filter (where transaction_type = 'Refund' and amount_description = 'Principal') as refunded
    from settlement_lines
    where order_id is not null and coalesce(posted_date, $as_of) <= $as_of
    group by order_id
),

returned as (
    select order_id, sum(refunded_amount) as refunded, max(order_amount) as order_amount
    from returns
    where coalesce(return_request_ts::date, $as_of) <= $as_of
    group by order_id
),

ordered as (
    select order_id, sum(item_price) filter (where coalesce(item_status, '') <> 'Cancelled') as principal
    from all_orders
    where order_id in (select order_id from returned)
    group by order_id
),

final as (
    select settled.order_id
    from settled
    where settled.charged > 0 and settled.refunded >= settled.charged - 0.005
    union
    select returned.order_id
    from returned
    left join ordered using (order_id)
    where returned.refunded > 0 and returned.refunded >= coalesce(returned.order_amount, ordered.principal) - 0.005
)

select order_id from final
