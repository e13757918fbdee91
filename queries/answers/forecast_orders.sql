-- The orders of one currency as the feedback forecast sees them, one row each: local purchase day, delivery
-- window and its basis, shipped state, the feedback seen by $through (day and stars), the day their buyer was
-- asked, refunded in full, eligible to be asked on $as_of, and value. Everything is read from contact_list,
-- so the forecast's "what if you ask" counts exactly the orders velocity contacts lists.
-- reads: contact_list
-- params: $currency

select
    order_id,
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
    value
from contact_list
where not cancelled and not non_amazon and currency = $currency
