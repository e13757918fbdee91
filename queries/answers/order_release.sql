-- The day each order's money is released - the one rule read by velocity payouts and by the forecast's dd7
-- and dd14 policies, so the two never disagree. For every order placed by $through (not cancelled, not
-- multi-channel; $currency and $marketplace narrow it, NULL: all):
--   * the reserve rule: $rule when given ('dd7', 'dd14', 'none'); otherwise the rule in force for its
--     marketplace on its delivery day (reserve_rules; a marketplace not listed there takes the US start date,
--     'assumed'), moved to DD+14 when the money was still waiting on $hold_start (a review began: NULL for
--     none); 'none' (delivered before the rule began) releases the money on the purchase day;
--   * the day by the rule: the latest delivery (order_windows: estimated, or assumed from transit) plus the
--     rule's days, and the earliest it could be (the earliest delivery plus the days) - the 80% range of a
--     release whose delivery day is only estimated;
--   * what the exports say instead, where they say it (by $through): a Date Range row's release date, else
--     the day a settlement paid the order's sale; a Date Range row still 'deferred' on the last day the
--     reports cover, past its day by the rule, is 'overdue': released the day after at the earliest (its
--     delivery came later than estimated); release_dd7 and release_dd14 are the days under each rule.
-- reads: order_windows, reserve_rules, date_range, settlement_lines
-- params: $through, $currency, $marketplace, $rule, $hold_start

with placed as (
    select *
    from order_windows
    where purchase_date <= $through
        and not cancelled
        and not non_amazon
        and ($currency::varchar is null or currency = $currency)
        and ($marketplace::varchar is null or marketplace = $marketplace)
),

us_start as (
    select starts from reserve_rules where code = 'US'
),

by_table as (
    select
        placed.order_id,
        case
            when rules.code is null and placed.latest_delivery >= (select starts from us_start) then 'dd7'
            when rules.code is null then 'none'
            when placed.latest_delivery >= rules.starts then rules.rule
            else 'none'
        end as table_rule,
        rules.code is null as assumed
    from placed
    left join reserve_rules as rules on rules.code = placed.marketplace
),

reported as (  -- the Date Range report's word on each order's sale
    select
        order_id,
        (max(release_ts) filter (where status in ('released', 'deferred')))::date as release_on,
        bool_or(status = 'deferred') as deferred,
        arg_max(settlement_id, posted_ts) as settlement_id
    from date_range
    where type = 'order' and order_id is not null and posted_ts::date <= $through
    group by order_id
),

settled as (  -- the settlement that paid each order's sale, and when
    select
        order_id,
        min(posted_date) as paid_on,
        arg_min(settlement_id, posted_date) as settlement_id
    from settlement_lines
    where transaction_type = 'Order' and order_id is not null and posted_date <= $through
    group by order_id
),

ruled as (
    select
        placed.*,
        case
            when $rule::varchar is not null then $rule
            when $hold_start::date is not null
                and by_table.table_rule <> 'none'
                and placed.latest_delivery + 7 >= $hold_start::date then 'dd14'
            else by_table.table_rule
        end as rule,
        case
            when $rule::varchar is not null then 'given'
            when $hold_start::date is not null
                and by_table.table_rule <> 'none'
                and placed.latest_delivery + 7 >= $hold_start::date then 'review'
            when by_table.assumed then 'assumed'
            else 'table'
        end as rule_source,
        coalesce(reported.release_on, settled.paid_on) as reported_on,
        case
            when reported.release_on is not null then 'date_range'
            when settled.paid_on is not null then 'settlement'
        end as reported_by,
        coalesce(reported.deferred, false) and settled.paid_on is null as reported_deferred,
        settled.paid_on,
        coalesce(settled.settlement_id, reported.settlement_id) as settlement_id
    from placed
    join by_table using (order_id)
    left join reported using (order_id)
    left join settled using (order_id)
),

by_day as (  -- the day by the rule, and the earliest it could be
    select
        *,
        case rule when 'dd7' then 7 when 'dd14' then 14 else 0 end as rule_days,
        case rule when 'none' then purchase_date else latest_delivery + rule_days end as rule_day,
        case rule when 'none' then purchase_date else earliest_delivery + rule_days end as rule_earliest,
        -- the last day the Date Range reports cover: one that still says deferred on it defers the money
        -- past that day, whatever the rule's estimate (the delivery came later than estimated)
        (select max(posted_ts)::date from date_range where posted_ts::date <= $through) as covered
    from ruled
),

final as (
    select
        order_id,
        marketplace,
        currency,
        purchase_date,
        channel,
        value,
        shipped,
        earliest_delivery,
        latest_delivery,
        delivery_basis,
        fully_refunded_on,
        rule,
        rule_source,
        rule_days,
        coalesce(reported_on, case when overdue then covered + 1 else rule_day end) as release_date,
        coalesce(reported_on, case when overdue then covered + 1 else rule_earliest end) as release_earliest,
        coalesce(reported_by, case when overdue then 'overdue' else 'rule' end) as release_basis,
        coalesce(reported_on, greatest(latest_delivery + 7, case when reported_deferred then covered + 1 end))
            as release_dd7,
        coalesce(reported_on, greatest(latest_delivery + 14, case when reported_deferred then covered + 1 end))
            as release_dd14,
        reported_deferred,
        paid_on,
        settlement_id
    from (select *, reported_deferred and rule_day <= covered as overdue from by_day)
)

select * from final
