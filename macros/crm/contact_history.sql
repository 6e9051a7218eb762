{% macro dbt_snapshots_enabled() -%}
    {#- Whether this target keeps the contact history in a dbt snapshot. Var `dbt_snapshots`;
        by default on, except on Spark: dbt's snapshot merge needs a Delta, Iceberg or Hudi
        table there (set it to true on such a cluster, README "Scaling out"). The only
        reading of the var: the snapshot's `enabled` (snapshots/snp_crm__contacts.sql), the
        replay check's and contact_history() all call this macro. -#}
    {{ return(var('dbt_snapshots', target.type != 'spark') | string | lower == 'true') }}
{%- endmacro %}


{% macro contact_history() -%}
    {#- The relation holding the contact card history with snp_crm__contacts' rows and
        columns: the snapshot where dbt snapshots are enabled, else the set-based replay of
        every landed export (int_contacts_snapshot_replayed), which writes the same rows. -#}
    {%- if dbt_snapshots_enabled() -%}
        {{ return(ref('snp_crm__contacts')) }}
    {%- else -%}
        {{ return(ref('int_contacts_snapshot_replayed')) }}
    {%- endif -%}
{%- endmacro %}
