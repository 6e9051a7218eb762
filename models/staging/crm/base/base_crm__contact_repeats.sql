{#- The contacts export rows whose contact_id repeats inside their file, ranked
    (ranked_repeats): one pass over the key columns per build, instead of one in every read of
    base_crm__contacts. -#}
{{ ranked_repeats(ref('base_crm__contacts_checked'), ['_source_file', 'contact_id']) }}
