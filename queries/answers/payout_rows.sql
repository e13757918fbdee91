-- The orders velocity payouts lists: every one, or those behind one settlement ($settlement: paid in it, or
-- sold in its period $start..$end), or released on one day ($on); release day first.
-- reads: payout_orders
-- params: $settlement, $start, $end, $on

select
    order_id,
    purchase_date,
    delivery_date,
    delivery_basis,
    round(amount::double, 2) as amount,
    state,
    release_date,
    release_earliest,
    release_basis,
    rule,
    settlement_id,
    marketplace,
    amount_basis
from payout_orders
where ($settlement::varchar is null
        or settlement_id = $settlement
        or (purchase_date >= $start::date and purchase_date < $end::date))
    and ($on::date is null or release_date = $on::date)
order by release_date, order_id
