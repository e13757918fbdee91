-- The delivery-date reserve in force per marketplace: from `starts` (an order delivered on or after that
-- day), each order's money is released `days` after its delivery (the actual day with integrated tracking,
-- otherwise the latest estimated delivery). Before it, money was released when the order shipped. Sources:
-- Amazon's notices as quoted in FORMATS.md - DD+7 standard for US sellers from 12 March 2026, in Europe from
-- about September 2025 (taken as 1 September 2025). A marketplace not listed here has no known date: velocity
-- assumes the US one and says so. An account under review is moved to DD+14 (velocity.payouts, from the
-- hold's start). No parameters.
-- reads: none
-- params: none

with final as (
    select code, rule, days, starts::date as starts, source
    from (
        values
            ('US', 'dd7', 7, '2026-03-12', 'Amazon: DD+7 for US sellers from 12 March 2026'),
            ('UK', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('IE', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('DE', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('FR', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('IT', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('ES', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('NL', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('BE', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('PL', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025'),
            ('SE', 'dd7', 7, '2025-09-01', 'Amazon Europe: DD+7 since about September 2025')
    ) as t (code, rule, days, starts, source)
)

select * from final
