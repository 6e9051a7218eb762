{#- Every daily contacts export, plus a tombstone on the first export a contact is missing
    from: a hard delete dated in business time (the end of that export's day), which closes
    the contact's history in the snapshot. A soft-deleted card (is_deleted) needs none. -#}
{{ compare_contact_exports(ref('stg_crm__contacts')) }}
