-- Amazon marketplaces: the code velocity uses, the sales-channel / marketplace-name text that names it in
-- exports, its marketplace id (account-health JSON), the time zone of its local day, the date order of its
-- Feedback report (strptime format), its usual currency, and the decimal separator its reports may use:
-- '.' where only a decimal point is ever written (1,234.56), ',' where a decimal comma may be (1.234,56). No parameters.
-- reads: none
-- params: none

with final as (
    select *
    from (
        values
            ('US', 'Amazon.com', 'ATVPDKIKX0DER', 'America/Los_Angeles', '%m/%d/%y', 'USD', '.'),
            ('CA', 'Amazon.ca', 'A2EUQ1WTGCTBG2', 'America/Los_Angeles', '%d/%m/%y', 'CAD', '.'),
            ('MX', 'Amazon.com.mx', 'A1AM78C64UM0Y8', 'America/Mexico_City', '%d/%m/%y', 'MXN', '.'),
            ('BR', 'Amazon.com.br', 'A2Q3Y263D00KWC', 'America/Sao_Paulo', '%d/%m/%y', 'BRL', ','),
            ('UK', 'Amazon.co.uk', 'A1F83G8C2ARO7P', 'Europe/London', '%d/%m/%y', 'GBP', '.'),
            ('IE', 'Amazon.ie', 'A28R8C7NBKEWEA', 'Europe/Dublin', '%d/%m/%y', 'EUR', '.'),
            ('DE', 'Amazon.de', 'A1PA6795UKMFR9', 'Europe/Berlin', '%d.%m.%y', 'EUR', ','),
            ('FR', 'Amazon.fr', 'A13V1IB3VIYZZH', 'Europe/Paris', '%d/%m/%y', 'EUR', ','),
            ('IT', 'Amazon.it', 'APJ6JRA9NG5V4', 'Europe/Rome', '%d/%m/%y', 'EUR', ','),
            ('ES', 'Amazon.es', 'A1RKKUPIHCS9HS', 'Europe/Madrid', '%d/%m/%y', 'EUR', ','),
            ('NL', 'Amazon.nl', 'A1805IZSGTT6HS', 'Europe/Amsterdam', '%d/%m/%y', 'EUR', ','),
            ('BE', 'Amazon.com.be', 'AMEN7PMS3EDWL', 'Europe/Brussels', '%d/%m/%y', 'EUR', ','),
            ('PL', 'Amazon.pl', 'A1C3SOZRARQ6R3', 'Europe/Warsaw', '%d/%m/%y', 'PLN', ','),
            ('SE', 'Amazon.se', 'A2NODRKZP88ZB9', 'Europe/Stockholm', 'iso', 'SEK', ','),
            ('TR', 'Amazon.com.tr', 'A33AVAJ2PDY3EV', 'Europe/Istanbul', '%d/%m/%y', 'TRY', ','),
            ('AE', 'Amazon.ae', 'A2VIGQ35RCS4UG', 'Asia/Dubai', '%d/%m/%y', 'AED', '.'),
            ('SA', 'Amazon.sa', 'A17E79C6D8DWNP', 'Asia/Riyadh', '%d/%m/%y', 'SAR', '.'),
            ('EG', 'Amazon.eg', 'ARBP9OOSHTCHU', 'Africa/Cairo', '%d/%m/%y', 'EGP', '.'),
            ('IN', 'Amazon.in', 'A21TJRUUN4KGV', 'Asia/Kolkata', '%d/%m/%y', 'INR', '.'),
            ('JP', 'Amazon.co.jp', 'A1VC38T7YXB528', 'Asia/Tokyo', '%y/%m/%d', 'JPY', '.'),
            ('AU', 'Amazon.com.au', 'A39IBJ37TRP1C6', 'Australia/Sydney', '%d/%m/%y', 'AUD', '.'),
            ('SG', 'Amazon.sg', 'A19VAU5U5O7RUS', 'Asia/Singapore', '%d/%m/%y', 'SGD', '.')
    ) as t (code, sales_channel, marketplace_id, time_zone, feedback_date_format, currency, decimal_separator)
)

select code, sales_channel, marketplace_id, time_zone, feedback_date_format, currency, decimal_separator
from final
