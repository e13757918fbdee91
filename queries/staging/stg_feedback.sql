-- Feedback report rows (seller feedback, one per order). Columns are read by position, so raw_feedback has
-- positional names whatever the header's language; the older layout's extra columns are NULL otherwise.
-- Parameters: $date_format - strptime format of the Date column ('iso' for YYYY-MM-DD), resolved per file
-- from the marketplace or the dates themselves; $marketplace - the file's marketplace, when known.
-- reads: raw_feedback
-- params: $date_format, $marketplace

with source as (
    select * from raw_feedback
),

final as (
    select
        v_required(v_text("order_id"), 'Order ID') as order_id,
        v_required(v_date("date", $date_format, 'Date'), 'Date') as feedback_date,
        case
            when try_cast(trim("rating") as integer) between 1 and 5 then try_cast(trim("rating") as integer)
            else v_raise('rating from 1 to 5', 'Rating', coalesce("rating", ''))
        end as rating,
        v_text("comments") as comments,
        v_text("response") as response,
        v_text("rater_email") as rater_email,
        v_text("arrived_on_time") as arrived_on_time,
        v_text("item_as_described") as item_as_described,
        v_text("customer_service") as customer_service,
        v_text("rater_role") as rater_role,
        $marketplace::varchar as marketplace,
        $date_format::varchar as date_format
    from source
)

select * from final
