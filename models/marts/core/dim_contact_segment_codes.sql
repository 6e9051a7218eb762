{#- The list column segment_codes of dim_contacts, flat: one row per contact and dynamic
    segment code it is in now (none for an empty list; a repeated element once). -#}
{{ list_bridge(ref('dim_contacts'), 'contact_id', 'segment_codes', 'segment_code') }}
