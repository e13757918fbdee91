-- The transaction types of the Date Range report, in the languages velocity reads (lower-cased), and what
-- each is for velocity's money answers: 'order' (a sale), 'refund' (money back to a buyer, A-to-z claims and
-- chargebacks too), 'fee' (Amazon's service and inventory fees), 'transfer' (a payout to the bank account),
-- 'other' (adjustments, reimbursements, liquidations). A type not listed here is read as 'other' and named
-- by velocity payouts.
-- reads: none
-- params: none

with final as (
    select *
    from (
        values
            ('order', 'en', 'order'),
            ('refund', 'en', 'refund'),
            ('chargeback refund', 'en', 'refund'),
            ('a-to-z guarantee claim', 'en', 'refund'),
            ('service fee', 'en', 'fee'),
            ('fba inventory fee', 'en', 'fee'),
            ('fba customer return fee', 'en', 'fee'),
            ('fee adjustment', 'en', 'fee'),
            ('deal fee', 'en', 'fee'),
            ('lightning deal fee', 'en', 'fee'),
            ('transfer', 'en', 'transfer'),
            ('adjustment', 'en', 'other'),
            ('liquidations', 'en', 'other'),
            ('debt', 'en', 'other'),
            ('bestellung', 'de', 'order'),
            ('erstattung', 'de', 'refund'),
            ('servicegebühr', 'de', 'fee'),
            ('versand durch amazon lagergebühr', 'de', 'fee'),
            ('blitzangebotsgebühr', 'de', 'fee'),
            ('übertrag', 'de', 'transfer'),
            ('anpassung', 'de', 'other'),
            ('verbindlichkeit', 'de', 'other'),
            ('commande', 'fr', 'order'),
            ('remboursement', 'fr', 'refund'),
            ('frais de service', 'fr', 'fee'),
            ('frais de stock expédié par amazon', 'fr', 'fee'),
            ('tarif de la vente flash', 'fr', 'fee'),
            ('transfert', 'fr', 'transfer'),
            ('transférer', 'fr', 'transfer'),
            ('ajustement', 'fr', 'other')
    ) as t (word, language, type)
)

select * from final
