-- The account-health report's metrics (the latest report ending on or before $as_of), per metric summed over
-- marketplaces and fulfilment types: counts where the report gives them, else its worst rate.
-- Parameters: $as_of.
-- reads: account_health
-- params: $as_of

with latest as (
    select *
    from account_health
    where metric <> 'account_status'
        and coalesce(date_to::date, $as_of) <= $as_of
    qualify date_to is not distinct from max(date_to) over (partition by metric)
),

final as (
    select
        metric,
        sum(order_count) as order_count,
        sum(event_count) as event_count,
        sum(claims) as claims,
        sum(chargebacks) as chargebacks,
        sum(negative_feedback) as negative_feedback,
        max(rate) as worst_rate,
        max(target_value) as target_value,
        max(target_condition) as target_condition,
        max(date_to)::date as date_to,
        datediff('day', min(date_from), max(date_to)) + 1 as window_days
    from latest
    group by metric
)

select * from final
order by metric
