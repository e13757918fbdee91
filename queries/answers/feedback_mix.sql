-- Per-order feedback rows by sentiment: positive (4-5 stars), neutral (3), negative (1-2).
-- reads: feedback
-- params: none

with final as (
    select
        count(*) filter (where rating >= 4) as positive,
        count(*) filter (where rating = 3) as neutral,
        count(*) filter (where rating <= 2) as negative
    from feedback
)

select * from final
