-- Account metrics counted from the exports, Seller Central's way: orders placed in each metric's window
-- (local days ending on $as_of) and those that met a defect. `exact` is false where the exports cannot say
-- all there is to know (who cancelled an order, in reports without is-buyer-requested-cancellation).
-- Input: order_health. Parameters: $as_of.

with orders as (
    select * from order_health
),

windows as (
    select
        *,
        sale_date > $as_of::date - 60 as in_60,
        sale_date > $as_of::date - 7 as in_7
    from orders
),

odr as (
    select
        count(*) filter (where in_60 and not cancelled) as orders_60,
        count(*) filter (where in_60 and not cancelled and (negative_feedback or a_to_z_claim or chargeback)) as defects,
        count(*) filter (where in_60 and not cancelled and negative_feedback) as negative,
        count(*) filter (where in_60 and not cancelled and a_to_z_claim) as claims,
        count(*) filter (where in_60 and not cancelled and chargeback) as chargebacks,
        count(*) filter (where in_60 and not cancelled and refunded) as refunds
    from windows
),

cancels as (
    select
        count(*) filter (where in_7 and fulfillment_channel = 'Merchant') as mfn_orders_7,
        count(*) filter (
            where in_7 and fulfillment_channel = 'Merchant' and cancelled and buyer_cancelled is not true
        ) as seller_cancels,
        count(*) filter (
            where in_7 and fulfillment_channel = 'Merchant' and cancelled and buyer_cancelled is null
        ) as unattributed
    from windows
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
