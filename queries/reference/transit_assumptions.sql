-- Assumed transit where no export gives a delivery estimate: days from the local purchase day to the
-- earliest and the latest delivery, per marketplace and fulfilment channel ('fba': Amazon ships; 'mfn':
-- the seller ships). Rough standard-shipping promises, not measurements: rows that rest on them say
-- delivery_basis 'assumed', and `--transit fba=1-3` (or mfn=) overrides them. No parameters.
-- reads: none
-- params: none

with final as (
    select *
    from (
        values
            ('US', 'fba', 1, 3), ('US', 'mfn', 3, 7),
            ('CA', 'fba', 1, 4), ('CA', 'mfn', 3, 8),
            ('MX', 'fba', 2, 5), ('MX', 'mfn', 4, 10),
            ('BR', 'fba', 2, 6), ('BR', 'mfn', 4, 12),
            ('UK', 'fba', 1, 3), ('UK', 'mfn', 2, 5),
            ('IE', 'fba', 1, 3), ('IE', 'mfn', 2, 5),
            ('DE', 'fba', 1, 3), ('DE', 'mfn', 2, 5),
            ('FR', 'fba', 1, 3), ('FR', 'mfn', 2, 5),
            ('IT', 'fba', 1, 3), ('IT', 'mfn', 2, 5),
            ('ES', 'fba', 1, 3), ('ES', 'mfn', 2, 5),
            ('NL', 'fba', 1, 3), ('NL', 'mfn', 2, 5),
            ('BE', 'fba', 1, 3), ('BE', 'mfn', 2, 5),
            ('PL', 'fba', 1, 4), ('PL', 'mfn', 2, 6),
            ('SE', 'fba', 1, 4), ('SE', 'mfn', 2, 6),
            ('TR', 'fba', 2, 5), ('TR', 'mfn', 3, 8),
            ('AE', 'fba', 1, 3), ('AE', 'mfn', 2, 6),
            ('SA', 'fba', 1, 4), ('SA', 'mfn', 3, 8),
            ('EG', 'fba', 2, 5), ('EG', 'mfn', 3, 8),
            ('IN', 'fba', 2, 5), ('IN', 'mfn', 3, 8),
            ('JP', 'fba', 1, 2), ('JP', 'mfn', 2, 4),
            ('AU', 'fba', 2, 5), ('AU', 'mfn', 4, 10),
            ('SG', 'fba', 1, 2), ('SG', 'mfn', 2, 5)
    ) as t (code, channel, earliest_days, latest_days)
)

select code, channel, earliest_days, latest_days
from final
