-- Every order id the store knows from an order report (All Orders, Order Report, Unshipped, FBA shipments).
-- reads: all_orders, order_report, unshipped_orders, fba_shipments
-- params: none


with final as (
    select order_id from all_orders
    union
    select order_id from order_report
    union
    select order_id from unshipped_orders
    union
    select order_id from fba_shipments
)

select order_id from final
