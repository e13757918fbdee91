-- Each order's delivery window and the request window built on it - the one place both are decided:
--   * delivery: the exports' estimate (order_delivery, on the marketplace's calendar) where one exists,
--     'estimated'; otherwise the local purchase day plus the assumed transit days of its marketplace and
--     channel (transit_assumptions, or the $fba_edd/$fba_ldd, $mfn_edd/$mfn_ldd overrides when not null),
--     'assumed';
--   * request window (Amazon's Request a Review): earliest delivery + 5 days to latest delivery + 30 days,
--     both days included.
-- reads: orders, transit_assumptions
-- params: $fba_edd, $fba_ldd, $mfn_edd, $mfn_ldd

with placed as (
    select
        orders.*,
        case when orders.channel = 'fba' then $fba_edd else $mfn_edd end as given_earliest,
        case when orders.channel = 'fba' then $fba_ldd else $mfn_ldd end as given_latest,
        transit.earliest_days,
        transit.latest_days
    from orders
    left join transit_assumptions as transit
        on transit.code = orders.marketplace and transit.channel = orders.channel
),

delivered as (
    select
        * exclude (given_earliest, given_latest, earliest_days, latest_days),
        coalesce(
            estimated_earliest,
            purchase_date + coalesce(given_earliest, earliest_days, 3)::integer
        ) as earliest_delivery,
        coalesce(
            estimated_latest,
            purchase_date + coalesce(given_latest, latest_days, 5)::integer
        ) as latest_delivery,
        case when estimated_earliest is null then 'assumed' else 'estimated' end as delivery_basis
    from placed
),

final as (
    select
        *,
        earliest_delivery + 5 as window_opens,
        latest_delivery + 30 as window_closes
    from delivered
)

select * from final
