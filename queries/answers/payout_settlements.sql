-- What each settlement paid against what was sold in its period, the difference explained so that
-- sold = paid + deferred + reserve + fees + refunds + other, to the cent:
--   sold      the orders placed in the period (local purchase day, not cancelled, not multi-channel), at
--             their order value;
--   paid      the settlement's total (its deposit);
--   deferred  sold in the period but not paid by it, less earlier sales it paid: the delivery-date reserve
--             (sold - the sales lines of the settlement);
--   reserve   held back by the review or account-level reserve (minus the reserve lines: held less repaid);
--   fees, refunds  minus those lines; other  minus every other line, and any gap between the lines and
--             the total.
-- Settlements of $currency that began by $through.
-- reads: settlements, settlement_parts, orders
-- params: $through, $currency

with periods as (
    select
        settlement_id,
        start_ts::date as start_date,
        end_ts::date as end_date,
        deposit_ts::date as deposit_date,
        total_amount as paid
    from settlements
    where currency = $currency and start_ts::date <= $through
),

parts as (
    select
        settlement_id,
        coalesce(sum(amount) filter (where part = 'sales'), 0) as sales,
        coalesce(sum(amount) filter (where part = 'refunds'), 0) as refund_lines,
        coalesce(sum(amount) filter (where part = 'fees'), 0) as fee_lines,
        coalesce(sum(amount) filter (where part = 'reserve'), 0) as reserve_lines,
        coalesce(sum(amount) filter (where part = 'other'), 0) as other_lines,
        coalesce(sum(amount), 0) as all_lines
    from settlement_parts
    group by settlement_id
),

sold as (
    select periods.settlement_id, coalesce(sum(orders.value), 0) as sold
    from periods
    left join orders
        on orders.purchase_date >= periods.start_date
        and orders.purchase_date < periods.end_date
        and orders.purchase_date <= $through
        and orders.currency = $currency
        and not orders.cancelled
        and not orders.non_amazon
    group by periods.settlement_id
),

final as (
    select
        periods.settlement_id,
        periods.start_date,
        periods.end_date,
        periods.deposit_date,
        sold.sold,
        periods.paid,
        sold.sold - coalesce(parts.sales, 0) as deferred,
        -coalesce(parts.reserve_lines, 0) as reserve,
        -coalesce(parts.fee_lines, 0) as fees,
        -coalesce(parts.refund_lines, 0) as refunds,
        -coalesce(parts.other_lines, 0) + (coalesce(parts.all_lines, 0) - periods.paid) as other
    from periods
    join sold using (settlement_id)
    left join parts using (settlement_id)
)

select * from final
order by start_date, settlement_id
