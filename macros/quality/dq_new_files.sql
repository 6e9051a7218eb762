{% macro is_new_landing_file(relation) -%}
    {#- Whether a row of the landing-file manifest is a file new in this run: first loaded
        after the last publication (var dq_new_files_loaded_after, which the runner reads
        from the serving copy), or, without that var, first loaded by this very invocation. A
        first build counts every file as new. -#}
    {%- set published_through = var('dq_new_files_loaded_after', none) -%}
    {%- if published_through -%}
        {{ relation }}.first_loaded_at > cast('{{ published_through }}' as {{ api.Column.translate_type('timestamp') }})
    {%- else -%}
        {{ relation }}.loaded_invocation_id = '{{ invocation_id }}'
    {%- endif -%}
{%- endmacro %}
