-- Parsing helpers shared by every stg_* relation. Each takes the raw text and the column's name as it
-- appears in the export; a value that is present but cannot be read raises
-- 'velocity-bad-value|<what>|<column>|<value>', which the importer turns into an error naming the file and
-- row. An empty field (NULL) is always accepted here; required columns say so with v_required.
-- Each helper tries the common, cheap reading first and the general one only where that fails: they run
-- on every value of every row (a million-line All Orders file is 30 million values).
-- reads: none
-- params: none

create or replace temp macro v_raise(what, col, s) as
    error('velocity-bad-value|' || what || '|' || col || '|' || s);

-- The end of every fallback chain: a value of only spaces is empty (NULL); anything else is unreadable.
create or replace temp macro v_blank_or_raise(what, col, s) as
    case when trim(s) <> '' then v_raise(what, col, s) end;

create or replace temp macro v_required(x, col) as
    coalesce(x, error('velocity-missing-value|' || col || '|'));

-- Text: trimmed, empty becomes NULL. (Checking the ends first avoids copying the many values that need
-- no trimming.)
create or replace temp macro v_text(s) as
    case
        when starts_with(s, ' ') or ends_with(s, ' ') then nullif(trim(s), '')
        else nullif(s, '')
    end;

-- An instant: ISO 8601 with an offset ('2022-07-18T18:52:47-07:00'), '2023-01-01 00:00:00 UTC', or a bare
-- date (midnight UTC). The cast itself ignores surrounding spaces.
-- A spreadsheet that re-saved an export rewrote its instants without an offset ('15/11/2026 10:32'): the
-- importer sets velocity_ts_format (how) and velocity_ts_zone (the marketplace's clock) for such a file.
create or replace temp macro v_ts(s, col) as
    case
        when s is null then null
        else coalesce(
            try_cast(s as timestamptz),
            timezone(getvariable('velocity_ts_zone'), try_strptime(trim(s), getvariable('velocity_ts_format'))),
            v_blank_or_raise('date', col, s)
        )
    end;

-- A calendar date in a known strptime format ('iso' for YYYY-MM-DD, with or without a time part).
create or replace temp macro v_date(s, fmt, col) as
    case
        when s is null then null
        when fmt = 'iso' then coalesce(try_cast(left(trim(s), 10) as date), v_blank_or_raise('date', col, s))
        else coalesce(try_strptime(trim(s), fmt)::date, v_blank_or_raise('date', col, s))
    end;

-- Money or any decimal, written the way this file writes amounts: the importer sets velocity_decimal per
-- file to '.' (1,234.56: thousands commas allowed), ',' (1.234,56 or 12,34: thousands dots or spaces) or
-- NULL when nothing in the file and no marketplace tells (then only forms that cannot be misread pass:
-- 12.34, 1234, 12,34). A value the other way round is refused, never guessed: '1,234' must not become 1.234.
create or replace temp macro v_num(s, col) as
    case
        when s is null then null
        when coalesce(getvariable('velocity_decimal'), '.') = '.' then coalesce(
            case
                when getvariable('velocity_decimal') is null and regexp_matches(s, '[.,][0-9]{3}$') then null
                else try_cast(s as decimal(18, 4))
            end,
            case
                when getvariable('velocity_decimal') = '.'
                    and regexp_full_match(trim(s), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?')
                    then try_cast(replace(trim(s), ',', '') as decimal(18, 4))
                when getvariable('velocity_decimal') is null and regexp_full_match(trim(s), '-?[0-9]+,[0-9]{1,2}')
                    then try_cast(replace(trim(s), ',', '.') as decimal(18, 4))
            end,
            v_blank_or_raise(v_number_kind(), col, s)
        )
        else coalesce(
            case
                when regexp_full_match(replace(replace(trim(s), ' ', ''), chr(160), ''),
                    '-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?|-?[0-9]+(,[0-9]+)?')
                    then try_cast(
                        replace(replace(replace(replace(trim(s), ' ', ''), chr(160), ''), '.', ''), ',', '.')
                        as decimal(18, 4)
                    )
            end,
            v_blank_or_raise(v_number_kind(), col, s)
        )
    end;

create or replace temp macro v_number_kind() as
    case getvariable('velocity_decimal')
        when '.' then 'number as this file writes them (a decimal point: 1,234.56)'
        when ',' then 'number as this file writes them (a decimal comma: 1.234,56)'
        else 'number whose separators are clear (1,234 and 1.234 could be a thousand or about one)'
    end;

create or replace temp macro v_int(s, col) as
    case
        when s is null then null
        else coalesce(try_cast(s as integer), v_blank_or_raise('whole number', col, s))
    end;

-- A count: a whole number, not negative.
create or replace temp macro v_count(s, col) as
    case
        when s is null then null
        when try_cast(s as integer) >= 0 then try_cast(s as integer)
        else v_blank_or_raise('count (a whole number, 0 or more)', col, s)
    end;

-- 'true'/'false', 'Y'/'N', 'yes'/'no'; anything else is unknown (NULL), never an error: flags are optional.
create or replace temp macro v_bool(s) as
    case
        when s = 'false' then false
        when s = 'true' then true
        else
            case lower(trim(s))
                when 'true' then true
                when 'y' then true
                when 'yes' then true
                when 'false' then false
                when 'n' then false
                when 'no' then false
            end
    end;

-- A month's name or abbreviation (a trailing dot ignored) in the languages Date Range reports are written
-- in: English, French, German, Spanish, Italian, Dutch, Polish, Swedish, Portuguese. NULL if unknown.
create or replace temp macro v_month(word) as
    map {
        'jan': 1, 'january': 1, 'janv': 1, 'janvier': 1, 'ene': 1, 'enero': 1, 'gen': 1, 'gennaio': 1,
        'januari': 1, 'sty': 1,
        'feb': 2, 'february': 2, 'févr': 2, 'fevr': 2, 'février': 2, 'fevrier': 2, 'febrero': 2,
        'febbraio': 2, 'februari': 2, 'lut': 2, 'fev': 2,
        'mar': 3, 'march': 3, 'mars': 3, 'marzo': 3, 'mrt': 3, 'maart': 3, 'mär': 3, 'märz': 3,
        'apr': 4, 'april': 4, 'avr': 4, 'avril': 4, 'abr': 4, 'abril': 4, 'aprile': 4, 'kwi': 4,
        'may': 5, 'mai': 5, 'mayo': 5, 'mag': 5, 'maggio': 5, 'mei': 5, 'maj': 5,
        'jun': 6, 'june': 6, 'juin': 6, 'junio': 6, 'giu': 6, 'giugno': 6, 'juni': 6, 'cze': 6,
        'jul': 7, 'july': 7, 'juil': 7, 'juillet': 7, 'julio': 7, 'lug': 7, 'luglio': 7, 'juli': 7, 'lip': 7,
        'aug': 8, 'august': 8, 'août': 8, 'aout': 8, 'ago': 8, 'agosto': 8, 'augustus': 8, 'sie': 8,
        'sep': 9, 'sept': 9, 'september': 9, 'septembre': 9, 'septiembre': 9, 'set': 9, 'settembre': 9,
        'wrz': 9,
        'oct': 10, 'october': 10, 'octobre': 10, 'octubre': 10, 'ott': 10, 'ottobre': 10, 'okt': 10,
        'oktober': 10, 'paź': 10, 'paz': 10, 'out': 10,
        'nov': 11, 'november': 11, 'novembre': 11, 'noviembre': 11, 'lis': 11,
        'dec': 12, 'december': 12, 'déc': 12, 'décembre': 12, 'decembre': 12, 'dic': 12, 'diciembre': 12,
        'dicembre': 12, 'dez': 12, 'gru': 12
    }[rtrim(lower(word), '.')];

-- A time zone as Date Range reports write it, in minutes east of UTC: UTC, GMT, GMT-8, UTC+01:00, or a
-- common abbreviation (PST, PDT, ...). An empty zone is UTC; NULL if unknown.
create or replace temp macro v_zone_minutes(z) as
    case
        when z = '' or upper(z) in ('UTC', 'GMT', 'Z') then 0
        when regexp_full_match(upper(z), '(GMT|UTC) ?[+-]\d{1,2}(:?\d{2})?') then
            (case when contains(z, '-') then -1 else 1 end) * (
                try_cast(regexp_extract(z, '[+-](\d{1,2})', 1) as integer) * 60
                + coalesce(try_cast(nullif(regexp_extract(z, '[+-]\d{1,2}:?(\d{2})$', 1), '') as integer), 0)
            )
        else map {
            'PST': -480, 'PDT': -420, 'MST': -420, 'MDT': -360, 'CST': -360, 'CDT': -300, 'EST': -300,
            'EDT': -240, 'BST': 60, 'CET': 60, 'CEST': 120, 'IST': 330, 'JST': 540, 'AEST': 600, 'AEDT': 660
        }[upper(z)]
    end;

-- An instant from the parts a Date Range date was split into (a struct of text: y, m - a number or a
-- month's name -, d, h, mi, s, half - am/pm or empty -, z - the zone); NULL if a part is unknown.
create or replace temp macro v_local_instant(p) as
    try(
        timezone(
            'UTC',
            make_timestamp(
                try_cast(p.y as bigint),
                coalesce(try_cast(p.m as bigint), v_month(p.m)),
                try_cast(p.d as bigint),
                case lower(left(replace(p.half, '.', ''), 1))
                    when 'a' then coalesce(try_cast(nullif(p.h, '') as bigint), 0) % 12
                    when 'p' then coalesce(try_cast(nullif(p.h, '') as bigint), 0) % 12 + 12
                    else coalesce(try_cast(nullif(p.h, '') as bigint), 0)
                end,
                coalesce(try_cast(nullif(p.mi, '') as bigint), 0),
                coalesce(try_cast(nullif(p.s, '') as double), 0)
            )
        ) - to_minutes(v_zone_minutes(trim(p.z)))
    );

-- A Date Range report's date/time in any of its locale forms: '31 Aug 2025 23:55:39 UTC', '1 Sept 2025
-- 13:29:10 UTC', '1 juil. 2025 21:55:11 UTC', '28 de fev. de 2026 21:17:51 GMT-8', '17 July 2026 4:26:32 pm
-- GMT+9', 'Dec 1, 2017 12:38:23 AM PST', '01.09.2025 14:49:45 UTC', ISO 8601 - or a date alone. An empty
-- field is NULL; anything else unreadable is an error naming the column.
create or replace temp macro v_dr_ts(s, col) as
    case
        when s is null then null
        else coalesce(
            try_cast(s as timestamptz),
            case
                when regexp_matches(trim(s), '^\d{1,2}\.\d{1,2}\.\d{4}') then v_local_instant(regexp_extract(
                    trim(s),
                    '^(\d{1,2})\.(\d{1,2})\.(\d{4}),?(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([AaPp]\.?\s?[Mm]\.?)?\s*(.*)$',
                    ['d', 'm', 'y', 'h', 'mi', 's', 'half', 'z']
                ))
                when regexp_matches(trim(s), '^\d') then v_local_instant(regexp_extract(
                    trim(s),
                    '^(\d{1,2})\.? (?:de )?([^\d\s,]+),? (?:de )?(\d{4}),?(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([AaPp]\.?\s?[Mm]\.?)?\s*(.*)$',
                    ['d', 'm', 'y', 'h', 'mi', 's', 'half', 'z']
                ))
                else v_local_instant(regexp_extract(
                    trim(s),
                    '^([^\d\s,]+) (\d{1,2}),? (\d{4}),?(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([AaPp]\.?\s?[Mm]\.?)?\s*(.*)$',
                    ['m', 'd', 'y', 'h', 'mi', 's', 'half', 'z']
                ))
            end,
            v_blank_or_raise('date', col, s)
        )
    end;
