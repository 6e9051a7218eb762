-- Every raw row is staged, counted as a duplicate or rejected: nothing is lost.
select *
from {{ ref('dq_row_accounting') }}
where raw_rows <> staged_rows + duplicate_rows + rejected_rows
