-- Held funds as the settlements show them: the first settlement with a 'Current Reserve Amount' line (the
-- hold's start) and the latest held amount (minus the latest such line), per currency.
-- reads: settlement_lines, settlements
-- params: none

with reserves as (
    select
        lines.settlement_id,
        lines.currency,
        settlements.end_ts,
        sum(lines.amount) as current_reserve
    from settlement_lines as lines
    left join settlements using (settlement_id)
    where lines.amount_description = 'Current Reserve Amount'
    group by all
),

final as (
    select
        currency,
        count(*) as settlements_with_reserve,
        min(end_ts)::date as first_reserve_date,
        arg_max(settlement_id, end_ts) as latest_settlement_id,
        -arg_max(current_reserve, end_ts) as held_amount
    from reserves
    group by currency
)

select * from final
order by currency
