{% macro identity_node(kind, column) -%}
    {#- A node of the identity graph: `contact:<id>`, `email:<normalized>`, `phone:<+7…>` or
        `cookie:<client_id>`; null when the value is null or blank (a blank id would
        otherwise link every row that carries it). -#}
    '{{ kind }}:' || nullif(trim({{ column }}), '')
{%- endmacro %}
