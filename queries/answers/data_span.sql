-- What the store's data covers up to $as_of (NULL: all of it): the first and the latest local purchase day,
-- the latest day an order was updated (an All Orders download is at least that recent), the latest
-- feedback, settlement line and Feedback Manager reading, and how many orders there are and how many of them
-- are sales (not cancelled, not multi-channel). The latest of these dates is the day the data runs through:
-- velocity's default as-of, and the day a later as-of's unknown days start from. The latest import (UTC day)
-- bounds the default: no download holds a day after the one it was made on.
-- reads: orders, feedback, settlement_lines, feedback_ratings, imported_files
-- params: $as_of

with placed as (
    select * from orders
    where $as_of::date is null or purchase_date <= $as_of::date
),

counted as (
    select
        min(purchase_date) as first_order,
        max(purchase_date) as latest_order,
        least(max(last_updated_ts)::date, coalesce($as_of::date, max(last_updated_ts)::date)) as latest_update,
        count(*) as orders,
        count(*) filter (where cancelled) as cancelled,
        count(*) filter (where non_amazon and not cancelled) as non_amazon,
        count(*) filter (where not cancelled and not non_amazon) as sold
    from placed
),

final as (
    select
        counted.*,
        (select max(feedback_date) from feedback where $as_of::date is null or feedback_date <= $as_of::date)
            as latest_feedback,
        (select max(posted_date) from settlement_lines where $as_of::date is null or posted_date <= $as_of::date)
            as latest_settlement,
        (select max(as_of) from feedback_ratings where $as_of::date is null or as_of <= $as_of::date)
            as latest_reading,
        (select max(imported_at)::date from imported_files) as latest_import
    from counted
)

select * from final
