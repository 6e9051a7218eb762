{#- The list column segment_codes_at_send of fct_email_sends, flat: one row per send and
    dynamic segment code the contact was in at the send (none for an empty list; a repeated
    element once). -#}
{{ list_bridge(ref('fct_email_sends'), 'send_id', 'segment_codes_at_send', 'segment_code') }}
