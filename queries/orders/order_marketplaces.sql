-- The marketplace of every order id the store knows from an order report (All Orders, Order Report,
-- Amazon Fulfilled Shipments). Used to place files whose rows name no marketplace (Feedback, Returns).
-- reads: all_orders, order_report, fba_shipments
-- params: none


with orders as (
    select order_id, marketplace from all_orders
    union all
    select order_id, marketplace from order_report
    union all
    select order_id, marketplace from fba_shipments
),

final as (
    select distinct order_id, marketplace
    from orders
    where marketplace is not null
)

select order_id, marketplace from final
