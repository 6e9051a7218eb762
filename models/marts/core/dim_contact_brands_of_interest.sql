{#- The list column brands_of_interest of dim_contacts, flat: one row per contact and brand
    of interest (none for an empty list; a repeated element once). -#}
{{ list_bridge(ref('dim_contacts'), 'contact_id', 'brands_of_interest', 'brand_code') }}
