-- Every settlement line posted by $through, sorted into what it is for the money answers: 'sales' (an
-- order's price, tax, shipping and promotions), 'refunds' (the same given back: refunds, A-to-z claims,
-- chargebacks), 'fees' (Amazon's fees of every kind), 'reserve' (money held back or paid back:
-- 'Current Reserve Amount', 'Previous Reserve Amount Balance') and 'other' (everything else: reimbursements,
-- adjustments, transfers).
-- reads: settlement_lines
-- params: $through

with lines as (
    select * from settlement_lines
    where posted_date is null or posted_date <= $through
),

final as (
    select
        settlement_id,
        order_id,
        currency,
        posted_date,
        transaction_type,
        amount_type,
        amount_description,
        amount,
        case
            when amount_description in ('Current Reserve Amount', 'Previous Reserve Amount Balance')
                or transaction_type in ('Current Reserve Amount', 'Previous Reserve Amount Balance') then 'reserve'
            when transaction_type = 'Order' and amount_type in ('ItemPrice', 'Promotion') then 'sales'
            when transaction_type in ('Refund', 'Chargeback Refund', 'Chargeback', 'A-to-z Guarantee Claim',
                'GuaranteeClaim') and amount_type in ('ItemPrice', 'Promotion') then 'refunds'
            when contains(lower(coalesce(amount_type, '')), 'fee')
                or contains(lower(coalesce(amount_description, '')), 'fee')
                or contains(lower(coalesce(transaction_type, '')), 'fee')
                or amount_description = 'Cost of Advertising' then 'fees'
            else 'other'
        end as part
    from lines
)

select * from final
