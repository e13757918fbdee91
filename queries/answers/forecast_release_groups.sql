-- forecast_groups with the day each order's money is released under DD+7 and DD+14, from order_release (the
-- rule velocity payouts reads), so the dd7 and dd14 policies and payouts never disagree. Read only by those
-- policies: order_release reads the settlements and Date Range reports too.
-- reads: forecast_orders, order_release
-- params: none

select
    forecast_orders.* exclude (order_id, value),
    released.release_dd7,
    released.release_dd14,
    count(*) as orders,
    sum(forecast_orders.value) as value
from forecast_orders
left join order_release as released using (order_id)
group by all
order by all
