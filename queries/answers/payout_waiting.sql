-- The deferred money, grouped by the span its release day may fall in (the earliest and the latest day:
-- the same where an export gives the day): the calendar's input. numpy draws each order's day within its
-- span; orders alike in span and amount are one row with their count.
-- reads: payout_orders
-- params: none

select release_earliest, release_date, amount, count(*) as orders
from payout_orders
where state = 'deferred'
group by all
order by all
