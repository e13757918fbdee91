-- Date Range report rows (Payments > Reports Repository, the "unified transaction" CSV), typed and renamed
-- once. raw_date_range has velocity's positional names whatever the header's language (velocity.kinds:
-- DATE_RANGE_27 / DATE_RANGE_23, and the two status columns from 2025); amounts are read with the
-- language's decimal separator (set per file). The buyer's city, state and postal code are not read.
-- Parameters: $language - the header's language ('en', 'de', 'fr'); $currency - the file's currency, for rows
-- without a marketplace (transfers, service fees).
-- reads: raw_date_range, marketplaces, date_range_types
-- params: $language, $currency

with source as (
    select * from raw_date_range
),

typed as (
    select
        v_required(v_dr_ts("posted", 'posted'), 'posted') as posted_ts,
        v_text("settlement_id") as settlement_id,
        v_required(v_text("type"), 'type') as type_text,
        v_text("order_id") as order_id,
        v_text("sku") as sku,
        v_text("description") as description,
        v_int("quantity", 'quantity') as quantity,
        v_text("marketplace") as marketplace_text,
        v_text("fulfilment") as fulfilment,
        v_num("product_sales", 'product_sales') as product_sales,
        v_num("product_sales_tax", 'product_sales_tax') as product_sales_tax,
        v_num("shipping_credits", 'shipping_credits') as shipping_credits,
        v_num("shipping_credits_tax", 'shipping_credits_tax') as shipping_credits_tax,
        v_num("gift_wrap_credits", 'gift_wrap_credits') as gift_wrap_credits,
        v_num("gift_wrap_credits_tax", 'gift_wrap_credits_tax') as gift_wrap_credits_tax,
        v_num("promotional_rebates", 'promotional_rebates') as promotional_rebates,
        v_num("promotional_rebates_tax", 'promotional_rebates_tax') as promotional_rebates_tax,
        v_num("marketplace_withheld_tax", 'marketplace_withheld_tax') as marketplace_withheld_tax,
        v_num("sales_tax_collected", 'sales_tax_collected') as sales_tax_collected,
        v_num("marketplace_facilitator_tax", 'marketplace_facilitator_tax') as marketplace_facilitator_tax,
        v_num("selling_fees", 'selling_fees') as selling_fees,
        v_num("fba_fees", 'fba_fees') as fba_fees,
        v_num("other_transaction_fees", 'other_transaction_fees') as other_transaction_fees,
        v_num("other", 'other') as other,
        v_required(v_num("total", 'total'), 'total') as total,
        case lower(v_text("status"))
            when 'released' then 'released'
            when 'liberado' then 'released'
            when 'deferred' then 'deferred'
            when 'diferido' then 'deferred'
            else v_blank_or_raise('transaction status velocity knows (Released, Deferred)', 'status', "status")
        end as status,
        v_dr_ts("release_date", 'release_date') as release_ts
    from source
),

identified as (
    select
        typed.*,
        -- what stays when a deferred transaction is released (not its settlement, status or release date)
        hash(
            posted_ts, type_text, order_id, sku, description, quantity, marketplace_text, fulfilment,
            product_sales, product_sales_tax, shipping_credits, shipping_credits_tax, gift_wrap_credits,
            gift_wrap_credits_tax, promotional_rebates, promotional_rebates_tax, marketplace_withheld_tax,
            sales_tax_collected, marketplace_facilitator_tax, selling_fees, fba_fees, other_transaction_fees,
            other, total
        ) as line_hash
    from typed
),

final as (
    select
        identified.line_hash,
        row_number() over (partition by identified.line_hash)::integer as occurrence,
        identified.posted_ts,
        identified.settlement_id,
        coalesce(date_range_types.type, 'other') as type,
        identified.type_text,
        identified.order_id,
        identified.sku,
        identified.description,
        identified.quantity,
        identified.marketplace_text,
        marketplaces.code as marketplace,
        coalesce(marketplaces.currency, $currency) as currency,
        identified.fulfilment,
        identified.product_sales,
        identified.product_sales_tax,
        identified.shipping_credits,
        identified.shipping_credits_tax,
        identified.gift_wrap_credits,
        identified.gift_wrap_credits_tax,
        identified.promotional_rebates,
        identified.promotional_rebates_tax,
        identified.marketplace_withheld_tax,
        identified.sales_tax_collected,
        identified.marketplace_facilitator_tax,
        identified.selling_fees,
        identified.fba_fees,
        identified.other_transaction_fees,
        identified.other,
        identified.total,
        identified.status,
        identified.release_ts,
        (case identified.status when 'released' then 2 when 'deferred' then 1 else 0 end) * 100000000000
            + coalesce(epoch(identified.release_ts)::bigint, 0) as version,
        $language::varchar as language
    from identified
    left join date_range_types
        on lower(identified.type_text) = date_range_types.word
        and date_range_types.language = $language
    left join marketplaces on lower(identified.marketplace_text) = lower(marketplaces.sales_channel)
)

select * from final
