-- Account-health metrics (V2 seller performance JSON), one row per marketplace, metric and fulfilment type,
-- flattened by the importer into raw_account_health (names normalised: order_defect_rate,
-- late_shipment_rate, pre_fulfillment_cancel_rate, valid_tracking_rate, on_time_delivery_rate,
-- account_health_rating, account_status, ...). event_count is the count the metric is built from
-- (defects, late shipments, cancellations, tracked shipments ...). Parameters: $marketplace.
-- reads: raw_account_health, marketplaces
-- params: $marketplace

with source as (
    select * from raw_account_health
),

final as (
    select
        coalesce(source.marketplace_id, marketplaces.marketplace_id, '') as marketplace_id,
        source.metric,
        coalesce(source.fulfillment, '') as fulfillment,
        v_ts(source.date_to, 'reportingDateTo') as date_to,
        v_ts(source.date_from, 'reportingDateFrom') as date_from,
        coalesce(by_id.code, $marketplace) as marketplace,
        source.status,
        source.rate,
        source.target_value,
        source.target_condition,
        source.order_count,
        source.event_count,
        source.claims,
        source.chargebacks,
        source.negative_feedback,
        source.score
    from source
    left join marketplaces as by_id on source.marketplace_id = by_id.marketplace_id
    left join marketplaces on marketplaces.code = $marketplace
)

select * from final
