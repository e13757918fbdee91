-- Per order, what the settlements and the Returns report show by $as_of: an A-to-z claim (a settlement line
-- naming it, or the Returns report's flag), a chargeback (a settlement line), any refund. Orders with none of
-- them are absent. Parameters: $as_of.

with settled as (
    select
        order_id,
        bool_or(transaction_type ilike '%a-to-z%' or amount_description ilike '%a-to-z%') as a_to_z,
        bool_or(transaction_type ilike '%chargeback%' or amount_description ilike '%chargeback%') as chargeback,
        bool_or(transaction_type = 'Refund') as refunded
    from settlement_lines
    where order_id is not null and coalesce(posted_date, $as_of) <= $as_of
    group by order_id
),

returned as (
    select
        order_id,
        bool_or(a_to_z_claim) as a_to_z,
        bool_or(refunded_amount > 0) as refunded
    from returns
    where coalesce(return_request_ts::date, $as_of) <= $as_of
    group by order_id
),

final as (
    select
        order_id,
        coalesce(settled.a_to_z, false) or coalesce(returned.a_to_z, false) as a_to_z_claim,
        coalesce(settled.chargeback, false) as chargeback,
        coalesce(settled.refunded, false) or coalesce(returned.refunded, false) as refunded
    from settled
    full outer join returned using (order_id)
)

select order_id, a_to_z_claim, chargeback, refunded from final
