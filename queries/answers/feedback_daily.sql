-- Per-order feedback by day and sentiment (positive 4-5 stars, neutral 3, negative 1-2), up to $as_of.
-- Parameters: $as_of.
-- reads: feedback
-- params: $as_of

with final as (
    select
        feedback_date as date,
        count(*) filter (where rating >= 4) as positive,
        count(*) filter (where rating = 3) as neutral,
        count(*) filter (where rating <= 2) as negative
    from feedback
    where feedback_date <= $as_of
    group by feedback_date
)

select * from final
order by date
