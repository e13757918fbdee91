-- Funds held over time, per settlement with a reserve line: the day the reserve was posted (else the
-- settlement's end) and the amount held then (minus its 'Current Reserve Amount'), in the settlement's
-- currency. The first row dates the hold. Parameters: $as_of - reserves posted after it are ignored.
-- reads: settlement_lines, settlements
-- params: $as_of

with reserves as (
    select
        lines.settlement_id,
        lines.currency,
        max(lines.posted_date) as posted_date,
        sum(lines.amount) as current_reserve
    from settlement_lines as lines
    where lines.amount_description = 'Current Reserve Amount'
    group by all
),

final as (
    select
        reserves.settlement_id,
        reserves.currency,
        coalesce(reserves.posted_date, settlements.end_ts::date, settlements.start_ts::date) as date,
        -reserves.current_reserve as held_amount
    from reserves
    left join settlements using (settlement_id)
)

select * from final
where date <= $as_of
order by date
