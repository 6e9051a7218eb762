{% macro check_contact_history_order() %}
    {#- on-run-start: stops a plain `dbt build` or `dbt snapshot` that would snapshot the
        contacts export while more than one export day is missing from the contact history.
        dbt snapshots one export, the newest: on the daily run that is the one missing day,
        but with several missing (a new warehouse, a missed morning) the others would be
        left out of the history for good. The runner snapshots every missing day in order
        and names each (var contacts_export_date), so its own calls pass. -#}
    {%- if not execute or var('contacts_export_date', none) or not dbt_snapshots_enabled() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set snapshots = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'snapshot' and 'contact_history' in node.tags
        and node.unique_id in selected_resources -%}
        {%- do snapshots.append(node) -%}
    {%- endfor -%}
    {%- if snapshots | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set missing = contact_history_missing_days(snapshots[0]) -%}
    {%- if missing | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "The contact history lacks " ~ missing | length ~ " export days of crm/contacts ("
            ~ missing[0] ~ " to " ~ missing[-1] ~ "). A plain `dbt " ~ flags.WHICH ~ "` snapshots"
            ~ " only the newest export, and the others would be missing from the history for"
            ~ " good. Run `make build` (python -m scripts build): it snapshots each missing day"
            ~ " in order, then builds. After that, `dbt build` takes one new day at a time."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro contact_history_missing_days(snapshot) -%}
    {#- The export days of crm/contacts in the landing zone newer than the last one the
        snapshot took in (its export-days table, macro snapshot_exports_relation), as
        YYYY-MM-DD texts in order; every day when the snapshot has taken in none. -#}
    {%- set raw_dir = raw_dir_absolute() -%}
    {%- set landed = [] -%}
    {%- for file in landing_zone_files(raw_dir, 'crm/contacts') -%}
        {%- set day = landing_file_day('crm/contacts', file) -%}
        {%- if day -%}
            {%- do landed.append(day) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set relation = api.Relation.create(
        database=snapshot.database, schema=snapshot.schema, identifier=snapshot.alias
    ) -%}
    {%- set exports = adapter.get_relation(
        database=relation.database, schema=relation.schema,
        identifier=snapshot_exports_relation(relation, snapshot.config).identifier
    ) -%}
    {%- set taken = none -%}
    {%- if exports is not none -%}
        {%- set taken = run_query('select max(export_date) from ' ~ exports).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for day in landed | unique | sort if taken is none or day > taken | string -%}
        {%- do missing.append(day) -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}
