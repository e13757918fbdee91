-- Refunds per order, dated: the first day any refund was posted, and the day the order became refunded in
-- full - the settlements' refunded principal reaching the principal charged, or the Returns report's refunded
-- amount reaching the order amount (the one rule for "fully refunded"). A settlement line without a posted
-- date counts from its settlement's end. Orders without a refund are absent.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: settlement_lines, settlements, returns, order_lines, touched_orders
-- params: none

with posted as (
    select
        lines.order_id,
        lines.transaction_type,
        lines.amount_description,
        lines.amount,
        coalesce(lines.posted_date, settlements.end_ts::date, settlements.start_ts::date) as posted_date
    from settlement_lines as lines
    left join settlements using (settlement_id)
    where lines.order_id in (select order_id from touched_orders)
),

principal as (
    select
        order_id,
        sum(amount) filter (where transaction_type = 'Order' and amount_description = 'Principal') as charged
    from posted
    group by order_id
),

refund_days as (
    select order_id, posted_date, -sum(amount) as refunded
    from posted
    where transaction_type = 'Refund' and amount_description = 'Principal'
    group by order_id, posted_date
),

settled as (
    select
        refund_days.order_id,
        min(refund_days.posted_date) as first_refund,
        min(refund_days.posted_date) filter (where refund_days.running >= principal.charged - 0.005) as full_refund
    from (
        select
            *,
            sum(refunded) over (partition by order_id order by posted_date rows unbounded preceding) as running
        from refund_days
    ) as refund_days
    join principal using (order_id)
    where principal.charged > 0
    group by refund_days.order_id
),

any_settled_refund as (
    select order_id, min(posted_date) as first_refund
    from posted
    where transaction_type = 'Refund'
    group by order_id
),

ordered as (
    select order_id, sum(principal) filter (where not cancelled) as principal
    from order_lines
    where order_id in (select order_id from returns where order_id in (select order_id from touched_orders))
    group by order_id
),

returned as (
    select
        returns.order_id,
        (min(returns.return_request_ts) filter (where returns.refunded_amount > 0))::date as first_refund,
        case
            when sum(returns.refunded_amount) > 0
                and sum(returns.refunded_amount)
                    >= coalesce(max(returns.order_amount), max(ordered.principal)) - 0.005
                then max(returns.return_request_ts)::date
        end as full_refund
    from returns
    left join ordered using (order_id)
    where returns.order_id in (select order_id from touched_orders)
    group by returns.order_id
),

final as (
    select
        order_id,
        least(any_settled_refund.first_refund, settled.first_refund, returned.first_refund) as refunded_on,
        least(settled.full_refund, returned.full_refund) as fully_refunded_on
    from any_settled_refund
    full outer join settled using (order_id)
    full outer join returned using (order_id)
)

select * from final
where refunded_on is not null or fully_refunded_on is not null
