-- The rows velocity contacts prints: the eligible orders, and with $all the excluded ones too, in the
-- columns of its contract (expected_gain comes from the model, afterwards).
-- reads: contact_list
-- params: $all

with listed as (
    select * from contact_list
    where status = 'eligible' or $all
),

final as (
    select
        order_id,
        purchase_date,
        delivery_date,
        delivery_basis,
        window_opens,
        window_closes,
        days_left::integer as days_left,
        null::double as expected_gain,
        status,
        reason,
        nullif(note, '') as note,
        buyer_name,
        buyer_email,
        earliest_delivery
    from listed
)

select * from final
