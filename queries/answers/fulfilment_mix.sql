-- Orders by fulfilment channel in All Orders (Amazon = FBA, Merchant = seller-fulfilled), and how many of
-- each have a delivery source: Amazon Fulfilled Shipments for FBA, the Order Report for seller-fulfilled.
-- reads: all_orders, fba_shipments, order_report
-- params: none

with orders as (
    select
        order_id,
        max(fulfillment_channel) as fulfillment_channel
    from all_orders
    where sales_channel is distinct from 'Non-Amazon'
    group by order_id
),

final as (
    select
        count(*) filter (where fulfillment_channel = 'Amazon') as fba_orders,
        count(*) filter (
            where fulfillment_channel = 'Amazon' and order_id in (select order_id from fba_shipments)
        ) as fba_with_shipment,
        count(*) filter (where fulfillment_channel = 'Merchant') as mfn_orders,
        count(*) filter (
            where fulfillment_channel = 'Merchant' and order_id in (select order_id from order_report)
        ) as mfn_with_report
    from orders
)

select * from final
