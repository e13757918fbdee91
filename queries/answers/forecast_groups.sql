-- The forecast's orders (forecast_orders) grouped: orders alike in everything the model reads make one row,
-- with how many they are and their value. numpy works on the groups.
-- reads: forecast_orders
-- params: none

select * exclude (order_id, value), count(*) as orders, sum(value) as value
from forecast_orders
group by all
order by all
