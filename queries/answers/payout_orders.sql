-- Each order's money and where it is on $through: its amount (as the Date Range rows give it, net of fees and
-- refunds; else the settlement lines; else the order value) and its state:
--   refunded  refunded in full, or its money came to nothing;
--   deferred  its release day (order_release) is still to come (a Date Range row deferred on the last day
--             the reports cover moves it past that day);
--   held      released, but inside the review (or account-level) reserve the settlements hold ($held): Amazon
--             holds a total, not orders; velocity names the latest released orders it covers, newest first;
--   paid      in a settlement deposited by $through;
--   released  released by the rule, not (yet) in a deposited settlement.
-- reads: order_release, date_range, settlement_lines, settlements
-- params: $through, $held

with released as (
    select * from order_release
),

reported as (
    select order_id, sum(total) as amount
    from date_range
    where type in ('order', 'refund') and order_id is not null and posted_ts::date <= $through
    group by order_id
),

settled as (
    select order_id, sum(amount) as amount
    from settlement_lines
    where transaction_type in ('Order', 'Refund') and order_id is not null and posted_date <= $through
    group by order_id
),

priced as (
    select
        released.*,
        coalesce(reported.amount, settled.amount, released.value) as amount,
        case
            when reported.amount is not null then 'date_range'
            when settled.amount is not null then 'settlement'
            else 'order_value'
        end as amount_basis,
        settlements.deposit_ts::date as deposit_date
    from released
    left join reported using (order_id)
    left join settled using (order_id)
    left join settlements using (settlement_id)
),

phased as (
    select
        *,
        case
            when fully_refunded_on <= $through or (amount <= 0 and amount_basis <> 'order_value') then 'refunded'
            when release_date > $through then 'deferred'
            else 'due'
        end as phase
    from priced
),

held as (
    select
        order_id,
        coalesce(
            sum(amount) over (order by release_date desc, order_id desc rows between unbounded preceding and 1 preceding),
            0
        ) as newer
    from phased
    where phase = 'due'
),

final as (
    select
        phased.*,
        case
            when phase <> 'due' then phase
            when held.newer < coalesce($held::decimal(18, 4), 0) then 'held'
            when paid_on is not null and deposit_date <= $through then 'paid'
            else 'released'
        end as state
    from phased
    left join held using (order_id)
)

select
    order_id,
    marketplace,
    currency,
    purchase_date,
    latest_delivery as delivery_date,
    earliest_delivery,
    delivery_basis,
    value,
    amount,
    amount_basis,
    state,
    release_date,
    release_earliest,
    release_basis,
    rule,
    rule_source,
    settlement_id,
    deposit_date
from final
order by release_date, order_id
