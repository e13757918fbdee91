-- The orders of payout_orders by state: how many, their money (amount) and their order value, the first
-- and last release day, and how many have a release day from the Date Range report; with their markets.
-- reads: payout_orders
-- params: none

select
    state,
    count(*) as orders,
    coalesce(sum(amount), 0) as amount,
    coalesce(sum(value), 0) as value,
    min(release_date) as first_release,
    max(release_date) as last_release,
    count(*) filter (where release_basis = 'date_range') as from_date_range,
    list(distinct marketplace order by marketplace) filter (where marketplace is not null) as marketplaces
from payout_orders
group by state
order by state
