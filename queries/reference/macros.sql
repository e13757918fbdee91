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
