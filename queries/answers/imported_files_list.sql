-- Every imported file, oldest import first (ties by path).
-- reads: imported_files
-- params: none

with final as (
    select sha256, path, kind, rows, new_rows, updated_rows, unchanged_rows, marketplace, imported_at, note
    from imported_files
)

select * from final
order by imported_at, path
