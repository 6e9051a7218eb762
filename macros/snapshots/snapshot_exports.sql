{% macro snapshot_exports_relation(snapshot_relation, snapshot_config) -%}
    {#- The table of the export days a snapshot has taken in (config meta.exports_table):
        its max(export_date) is the export that introduced the newest version, which stays
        behind on days when no card changed, so the runner reads its progress here. -#}
    {%- set name = (snapshot_config.get('meta') or {}).get('exports_table') -%}
    {%- if not name and not execute -%}
        {#- parsing renders hooks before the config is complete -#}
        {{ return(snapshot_relation) }}
    {%- elif not name -%}
        {{ exceptions.raise_compiler_error(
            "snapshot " ~ snapshot_relation.identifier ~ ": config meta.exports_table is not set"
        ) }}
    {%- endif -%}
    {{ return(snapshot_relation.incorporate(path={'identifier': name}, type='table')) }}
{%- endmacro %}


{% macro create_snapshot_exports() -%}
    {#- Post-hook of the contact-history snapshot, before record_snapshot_export. -#}
    create table if not exists {{ snapshot_exports_relation(this, config) }} (export_date date)
{%- endmacro %}


{% macro record_snapshot_export(snapshot_input) -%}
    {#- Post-hook of the contact-history snapshot: the export day it just took in, in the
        snapshot's own transaction (dbt runs post-hooks before its commit), so the two never
        disagree. The runner names the day (var contacts_export_date); a plain `dbt
        snapshot` took in the export of its input. -#}
    {%- set exports = snapshot_exports_relation(this, config) -%}
    insert into {{ exports }}
    select taken.export_date
    from (
        select {{ contacts_export_date(
            "(select max(export_date) from " ~ snapshot_input ~ ")"
        ) }} as export_date
    ) as taken
    where
        taken.export_date is not null
        and not exists (
            select 1 from {{ exports }} as recorded
            where recorded.export_date = taken.export_date
        )
{%- endmacro %}
