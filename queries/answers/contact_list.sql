-- Every order placed by $through (the day the data runs through) with whether its buyer may be asked for
-- feedback on $as_of and, if not, why - the one rule for eligibility, read by velocity contacts and by the
-- forecast's "what if you ask": non_amazon, cancelled, refunded (in full), pending (not shipped yet),
-- opted_out (its order id or buyer e-mail is in $opted_out), feedback_received, already_requested (asked on
-- or before $as_of), window_closed, not_open_yet; NULL when eligible. An open return or an A-to-z claim is a
-- note, never a reason: Amazon forbids choosing buyers by how happy they seem. $currency and $marketplace
-- (NULL: all) narrow the list.
-- reads: order_windows
-- params: $as_of, $through, $opted_out, $currency, $marketplace

with placed as (
    select
        *,
        case when feedback_date <= $through then feedback_date end as feedback_seen,
        case when feedback_date <= $through then feedback_rating end as rating_seen,
        case when asked_on <= $as_of then asked_on end as requested_on,
        coalesce(fully_refunded_on <= $through, false) as fully_refunded,
        coalesce(return_requested_on <= $through, false) as returned,
        coalesce(a_to_z_on <= $through, false) as a_to_z_claim
    from order_windows
    where purchase_date <= $through
        and ($currency::varchar is null or currency = $currency)
        and ($marketplace::varchar is null or marketplace = $marketplace)
),

final as (
    select
        order_id,
        marketplace,
        currency,
        purchase_date,
        channel,
        value,
        shipped,
        cancelled,
        non_amazon,
        earliest_delivery,
        latest_delivery,
        latest_delivery as delivery_date,
        delivery_basis,
        window_opens,
        window_closes,
        window_closes - $as_of as days_left,
        case
            when non_amazon then 'non_amazon'
            when cancelled then 'cancelled'
            when fully_refunded then 'refunded'
            when not shipped then 'pending'
            when list_contains($opted_out, order_id) or list_contains($opted_out, lower(buyer_email))
                then 'opted_out'
            when feedback_seen is not null then 'feedback_received'
            when requested_on is not null then 'already_requested'
            when $as_of > window_closes then 'window_closed'
            when $as_of < window_opens then 'not_open_yet'
        end as reason,
        concat_ws(
            '; ',
            case when returned and not fully_refunded then 'return requested ' || strftime(return_requested_on, '%Y-%m-%d') end,
            case when a_to_z_claim then 'A-to-z claim' end
        ) as note,
        feedback_seen as feedback_date,
        rating_seen as feedback_rating,
        requested_on,
        fully_refunded,
        buyer_name,
        buyer_email
    from placed
)

select *, case when reason is null then 'eligible' else 'excluded' end as status
from final
