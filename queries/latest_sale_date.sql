-- The latest local purchase day in the store: velocity's default --as-of. No parameters.

with final as (
    select max(timezone(coalesce(marketplaces.time_zone, 'UTC'), all_orders.purchase_ts)::date) as latest
    from all_orders
    left join marketplaces on all_orders.marketplace = marketplaces.code
)

select latest from final
