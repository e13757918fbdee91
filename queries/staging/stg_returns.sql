-- Seller-fulfilled Returns report rows (Title Case header, lower-cased by the importer): return requests,
-- their outcome and the A-to-Z Claim flag. Input: raw_returns. Parameters: $marketplace.
-- reads: raw_returns
-- params: $marketplace

with source as (
    select * from raw_returns
),

final as (
    select
        v_required(v_text("order id"), 'Order ID') as order_id,
        coalesce(v_text("amazon rma id"), '') as amazon_rma_id,
        coalesce(v_text("merchant sku"), v_text("asin"), '') as sku,
        v_ts("order date", 'Order date') as order_ts,
        v_ts("return request date", 'Return request date') as return_request_ts,
        v_text("return request status") as return_request_status,
        v_text("merchant rma id") as merchant_rma_id,
        v_text("label type") as label_type,
        v_num("label cost", 'Label cost') as label_cost,
        v_text("currency code") as currency,
        v_text("return carrier") as return_carrier,
        v_text("tracking id") as tracking_id,
        v_text("label to be paid by") as label_to_be_paid_by,
        v_bool("a-to-z claim") as a_to_z_claim,
        v_bool("is prime") as is_prime,
        v_text("asin") as asin,
        v_text("item name") as item_name,
        v_int("return quantity", 'Return quantity') as return_quantity,
        v_text("return reason") as return_reason,
        v_bool("in policy") as in_policy,
        v_text("return type") as return_type,
        v_text("resolution") as resolution,
        v_ts("return delivery date", 'Return delivery date') as return_delivery_ts,
        v_num("order amount", 'Order Amount') as order_amount,
        v_int("order quantity", 'Order quantity') as order_quantity,
        v_text("safet claim id") as safet_claim_id,
        v_text("safet claim state") as safet_claim_state,
        v_num("safet claim reimbursement amount", 'SafeT claim reimbursement amount') as safet_claim_reimbursement,
        v_num("refunded amount", 'Refunded Amount') as refunded_amount,
        $marketplace::varchar as marketplace
    from source
)

select * from final
