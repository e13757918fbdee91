-- The orders of one currency grouped for the feedback forecast: orders alike in local purchase day, delivery
-- window and its basis, shipped state, the feedback seen by $through (day and stars), the day their buyer
-- was asked, refunded in full and eligible to be asked on $as_of make one row, with how many they are and
-- their value. Everything is read from contact_list, so the forecast's "what if you ask" counts exactly the
-- orders velocity contacts lists. The day each order's money is released under DD+7 and DD+14 comes from
-- order_release, the rule velocity payouts reads, so the dd7 and dd14 policies and payouts never disagree.
-- numpy works on the groups.
-- reads: contact_list, order_release
-- params: $currency

with sold as (
    select contact_list.*, released.release_dd7, released.release_dd14
    from contact_list
    left join order_release as released using (order_id)
    where not contact_list.cancelled and not contact_list.non_amazon and contact_list.currency = $currency
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
        release_dd7,
        release_dd14,
        count(*) as orders,
        sum(value) as value
    from sold
    group by all
)

select * from final
order by all
