-- Settlement summaries: the first data row of a settlement flat file (V1 or V2) carries the settlement id,
-- its period, deposit date, total and currency; every other field is empty. Input: raw_settlement.
-- reads: raw_settlement
-- params: none

with source as (
    select * from raw_settlement
),

final as (
    select
        v_required(v_text("settlement-id"), 'settlement-id') as settlement_id,
        v_ts("settlement-start-date", 'settlement-start-date') as start_ts,
        v_ts("settlement-end-date", 'settlement-end-date') as end_ts,
        v_ts("deposit-date", 'deposit-date') as deposit_ts,
        v_num("total-amount", 'total-amount') as total_amount,
        v_text("currency") as currency
    from source
    where v_text("total-amount") is not null
)

select * from final
