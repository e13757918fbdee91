-- Feedback Manager rating readings (velocity's rating table) up to $as_of, one row per day read, marketplace
-- and period. Parameters: $as_of.
-- reads: feedback_ratings
-- params: $as_of

with final as (
    select as_of, marketplace, period, positive, neutral, negative
    from feedback_ratings
    where as_of <= $as_of
)

select * from final
order by as_of, marketplace, period
