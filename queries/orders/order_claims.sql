-- What buyers raised per order, dated: the first return request (Returns report), an A-to-z claim (a
-- settlement line naming it, or the Returns report's A-to-Z Claim flag; a flag with no date at all counts
-- from the order's purchase day) and a chargeback (a settlement line) - the one rule for "A-to-z claim" and
-- "chargeback". Orders with none are absent.
-- For the orders in touched_orders (every order when the order table is rebuilt whole).
-- reads: settlement_lines, settlements, returns, touched_orders
-- params: none

with posted as (
    select
        lines.order_id,
        coalesce(lines.posted_date, settlements.end_ts::date, settlements.start_ts::date) as posted_date,
        lines.transaction_type ilike '%a-to-z%' or lines.amount_description ilike '%a-to-z%' as a_to_z,
        lines.transaction_type ilike '%chargeback%' or lines.amount_description ilike '%chargeback%' as chargeback
    from settlement_lines as lines
    left join settlements using (settlement_id)
    where lines.order_id in (select order_id from touched_orders)
),

settled as (
    select
        order_id,
        min(posted_date) filter (where a_to_z) as a_to_z_on,
        min(posted_date) filter (where chargeback) as chargeback_on
    from posted
    where a_to_z or chargeback
    group by order_id
),

returned as (
    select
        order_id,
        min(return_request_ts)::date as return_requested_on,
        (min(coalesce(return_request_ts, order_ts)) filter (where a_to_z_claim))::date as a_to_z_on,
        coalesce(bool_or(a_to_z_claim), false) as a_to_z
    from returns
    where order_id in (select order_id from touched_orders)
    group by order_id
),

final as (
    select
        order_id,
        returned.return_requested_on,
        least(settled.a_to_z_on, returned.a_to_z_on) as a_to_z_on,
        settled.a_to_z_on is not null or coalesce(returned.a_to_z, false) as a_to_z,
        settled.chargeback_on
    from settled
    full outer join returned using (order_id)
)

select * from final
where return_requested_on is not null or a_to_z or chargeback_on is not null
