-- How many orders each exclusion reason holds back (the eligible ones under reason NULL), and how many of the
-- not-yet-open ones open within $soon days of $as_of.
-- reads: contact_list
-- params: $as_of, $soon

with listed as (
    select * from contact_list
),

final as (
    select
        reason,
        count(*) as orders,
        count(*) filter (where reason = 'not_open_yet' and window_opens <= $as_of + $soon::integer) as opening_soon
    from listed
    group by reason
)

select * from final
order by reason nulls first
