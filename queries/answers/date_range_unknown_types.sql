-- The Date Range report's transaction types velocity does not know (read as 'other'), with how many rows
-- and their total, for $currency by $through: velocity payouts names them.
-- reads: date_range, date_range_types
-- params: $through, $currency

select type_text, count(*) as rows, sum(total) as total
from date_range
where type = 'other'
    and currency = $currency
    and posted_ts::date <= $through
    and lower(type_text) not in (select word from date_range_types)
group by type_text
order by rows desc, type_text
