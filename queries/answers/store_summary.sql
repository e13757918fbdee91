-- What the store holds, one row per table: rows, distinct orders, the date span of its main date,
-- marketplaces and currencies. Dates are UTC calendar dates.
-- reads: all_orders, order_report, unshipped_orders, fba_shipments, feedback, feedback_ratings, settlements,
--     settlement_lines, date_range, returns, fba_returns, account_health
-- params: none

with spans as (
    select
        'all_orders' as table_name, count(*) as rows, count(distinct order_id) as orders,
        min(purchase_ts)::date as first_date, max(purchase_ts)::date as last_date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null) as marketplaces,
        list(distinct currency order by currency) filter (where currency is not null) as currencies
    from all_orders
    union all
    select
        'order_report', count(*), count(distinct order_id), min(purchase_ts)::date, max(purchase_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        list(distinct currency order by currency) filter (where currency is not null)
    from order_report
    union all
    select
        'unshipped_orders', count(*), count(distinct order_id), min(purchase_ts)::date, max(purchase_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        []
    from unshipped_orders
    union all
    select
        'fba_shipments', count(*), count(distinct order_id), min(shipment_ts)::date, max(shipment_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        list(distinct currency order by currency) filter (where currency is not null)
    from fba_shipments
    union all
    select
        'feedback', count(*), count(distinct order_id), min(feedback_date), max(feedback_date),
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        []
    from feedback
    union all
    select
        'feedback_ratings', count(*), null, min(as_of), max(as_of),
        list(distinct marketplace order by marketplace),
        []
    from feedback_ratings
    union all
    select
        'settlements', count(*), null, min(start_ts)::date, max(end_ts)::date,
        [],
        list(distinct currency order by currency) filter (where currency is not null)
    from settlements
    union all
    select
        'settlement_lines', count(*), count(distinct order_id), min(posted_date), max(posted_date),
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        list(distinct currency order by currency) filter (where currency is not null)
    from settlement_lines
    union all
    select
        'date_range', count(*), count(distinct order_id), min(posted_ts)::date, max(posted_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        list(distinct currency order by currency) filter (where currency is not null)
    from date_range
    union all
    select
        'returns', count(*), count(distinct order_id), min(return_request_ts)::date, max(return_request_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        list(distinct currency order by currency) filter (where currency is not null)
    from returns
    union all
    select
        'fba_returns', count(*), count(distinct order_id), min(return_ts)::date, max(return_ts)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        []
    from fba_returns
    union all
    select
        'account_health', count(*), null, min(date_from)::date, max(date_to)::date,
        list(distinct marketplace order by marketplace) filter (where marketplace is not null),
        []
    from account_health
),

final as (
    select
        table_name,
        rows,
        orders,
        first_date,
        last_date,
        coalesce(marketplaces, []) as marketplaces,
        coalesce(currencies, []) as currencies
    from spans
)

select * from final
