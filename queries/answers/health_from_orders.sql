-- Account metrics counted from the exports, Seller Central's way: the orders placed in each metric's window
-- (the local days ending on $orders_through, the last day the order downloads cover; multi-channel orders
-- aside) and those that met a defect by $through (the day the data runs through): 1-2 star feedback, an A-to-z claim, a chargeback (order_claims), any refund
-- (order_refunds), a cancellation. `exact` is false where the exports cannot say all there is to know (who
-- cancelled an order, in reports without is-buyer-requested-cancellation).
-- reads: orders
-- params: $orders_through, $through

with placed as (
    select
        *,
        purchase_date > $orders_through::date - 60 as in_60,
        purchase_date > $orders_through::date - 7 as in_7,
        coalesce(feedback_date <= $through and feedback_rating <= 2, false) as negative_feedback,
        coalesce(a_to_z_on <= $through, false) as a_to_z_claim,
        coalesce(chargeback_on <= $through, false) as chargeback,
        coalesce(refunded_on <= $through, false) as refunded
    from orders
    where not non_amazon and purchase_date <= $orders_through
),

odr as (
    select
        count(*) filter (where in_60 and not cancelled) as orders_60,
        count(*) filter (where in_60 and not cancelled and (negative_feedback or a_to_z_claim or chargeback)) as defects,
        count(*) filter (where in_60 and not cancelled and negative_feedback) as negative,
        count(*) filter (where in_60 and not cancelled and a_to_z_claim) as claims,
        count(*) filter (where in_60 and not cancelled and chargeback) as chargebacks,
        count(*) filter (where in_60 and not cancelled and refunded) as refunds
    from placed
),

cancels as (
    select
        count(*) filter (where in_7 and channel = 'mfn') as mfn_orders_7,
        count(*) filter (
            where in_7 and channel = 'mfn' and cancelled and buyer_cancelled is not true
        ) as seller_cancels,
        count(*) filter (
            where in_7 and channel = 'mfn' and cancelled and buyer_cancelled is null
        ) as unattributed
    from placed
),

final as (
    select 'order_defect_rate' as name, defects as numerator, orders_60 as denominator, 60 as window_days, true as exact from odr
    union all
    select 'negative_feedback_rate', negative, orders_60, 60, true from odr
    union all
    select 'a_to_z_claim_rate', claims, orders_60, 60, true from odr
    union all
    select 'chargeback_rate', chargebacks, orders_60, 60, true from odr
    union all
    select 'refund_rate', refunds, orders_60, 60, true from odr
    union all
    select 'pre_fulfillment_cancel_rate', seller_cancels, mfn_orders_7, 7, unattributed = 0 from cancels
)

select * from final
