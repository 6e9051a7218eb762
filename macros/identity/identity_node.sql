{% macro identity_node(kind, column) -%}
    {#- A node of the identity graph: `contact:<id>`, `email:<normalized>`, `phone:<+7…>` or
        `cookie:<client_id>`; null when the value is null. -#}
    '{{ kind }}:' || {{ column }}
{%- endmacro %}
