{#- Every daily full export of the contact cards; a key repeats only across exports. A view
    over base_crm__contacts_checked; the few rows whose key repeats inside a file are ranked
    once per build in base_crm__contact_repeats, so a reader of one export day reads only
    that day's files. -#}
{{ config(materialized="view") }}
{{ flag_duplicates(
    ref('base_crm__contacts_checked'),
    ['_source_file', 'contact_id'],
    repeats=ref('base_crm__contact_repeats'),
) }}
