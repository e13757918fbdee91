-- The Feedback Manager "Feedback Rating" table as the seller read it on a day: positive / neutral / negative
-- counts for the last 30, 90, 365 days and lifetime. velocity's own CSV layout:
--     date,marketplace,period,positive,neutral,negative
-- Input: raw_feedback_ratings. Parameters: $marketplace - used where the marketplace column is empty.
-- reads: raw_feedback_ratings
-- params: $marketplace

with source as (
    select * from raw_feedback_ratings
),

final as (
    select
        upper(v_required(coalesce(v_text("marketplace"), $marketplace), 'marketplace')) as marketplace,
        v_required(v_date("date", 'iso', 'date'), 'date') as as_of,
        case
            when lower(trim("period")) in ('30', '90', '365', 'lifetime') then lower(trim("period"))
            else v_raise('period (30, 90, 365 or lifetime)', 'period', coalesce("period", ''))
        end as period,
        v_required(v_count("positive", 'positive'), 'positive') as positive,
        v_required(v_count("neutral", 'neutral'), 'neutral') as neutral,
        v_required(v_count("negative", 'negative'), 'negative') as negative
    from source
)

select * from final
