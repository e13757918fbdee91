-- The orders of one currency grouped for the feedback forecast: orders alike in local purchase day, delivery
-- window and its basis, shipped state, the feedback seen by $through (day and stars), the day their buyer
-- was asked, refunded in full and eligible to be asked on $as_of make one row, with how many they are and
-- their value. Everything is read from contact_list, so the forecast's "what if you ask" counts exactly the
-- orders velocity contacts lists. numpy works on the groups.
-- reads: contact_list
-- params: $currency

with sold as (
    select * from contact_list
    where not cancelled and not non_amazon and currency = $currency
),

final as (
    select
        purchase_date,
        earliest_delivery,
        latest_delivery,
        delivery_basis = 'estimated' as estimated,
        shipped,
        feedback_date,
        feedback_rating as rating,
        requested_on,
        fully_refunded as refunded,
        reason is null as eligible,
        count(*) as orders,
        sum(value) as value
    from sold
    group by all
)

select * from final
order by all
