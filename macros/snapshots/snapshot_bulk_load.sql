{% macro snapshot_node(snapshot_name) -%}
    {#- The manifest node of a snapshot, by name. -#}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'snapshot' and node.name == snapshot_name -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no snapshot named " ~ snapshot_name) }}
{%- endmacro %}


{% macro replayed_snapshot_keys(snapshot_name, disabled_keys=none) -%}
    {#- unique_key and updated_at of a snapshot whose day-by-day runs a set-based load
        replays. Fails unless the snapshot is configured as that replay assumes: the timestamp
        strategy, hard deletes ignored, dbt's own meta column names and a null
        dbt_valid_to for the current version. Any other configuration writes other rows.
        Where snapshots are disabled (dbt_snapshots_enabled()) the node is not in the graph:
        disabled_keys stands in (the parity test compares with a snapshot-built warehouse). -#}
    {%- if not execute -%}
        {{ return({'unique_key': 'unique_key', 'updated_at': 'updated_at'}) }}
    {%- endif -%}
    {%- if disabled_keys is not none and not dbt_snapshots_enabled() -%}
        {{ return(disabled_keys) }}
    {%- endif -%}
    {%- set settings = snapshot_node(snapshot_name).config -%}
    {%- set problems = [] -%}
    {%- if settings.strategy != 'timestamp' -%}
        {%- do problems.append("strategy is " ~ settings.strategy ~ ", not timestamp") -%}
    {%- endif -%}
    {%- if (settings.hard_deletes or 'ignore') != 'ignore' or settings.get('invalidate_hard_deletes') -%}
        {%- do problems.append("hard_deletes is " ~ settings.hard_deletes ~ ", not ignore") -%}
    {%- endif -%}
    {%- if settings.dbt_valid_to_current is not none -%}
        {%- do problems.append("dbt_valid_to_current is set") -%}
    {%- endif -%}
    {%- if settings.unique_key is not string -%}
        {%- do problems.append("unique_key is not one column") -%}
    {%- endif -%}
    {%- for name, value in (settings.snapshot_meta_column_names or {}).items() if value -%}
        {%- do problems.append("meta column " ~ name ~ " is renamed to " ~ value) -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "The set-based load of " ~ snapshot_name ~ " replays only a timestamp snapshot"
            ~ " that ignores hard deletes: " ~ problems | join("; ")
        ) }}
    {%- endif -%}
    {{ return({'unique_key': settings.unique_key, 'updated_at': settings.updated_at}) }}
{%- endmacro %}


{% macro snapshot_bulk_load(snapshot_name, history_model, export_dates) -%}
    {#- run-operation: creates the snapshot table in one pass from history_model (the rows
        the day-by-day snapshot runs would have written) when the table is missing or
        empty, and records export_dates as taken in (snapshot_exports_relation); otherwise
        does nothing. The rows are written under a scratch name and then renamed, in one
        transaction with the record, so the snapshot either does not exist or is complete:
        an interrupted load leaves at most the scratch table, which the next load
        replaces. -#}
    {%- set node = snapshot_node(snapshot_name) -%}
    {%- do replayed_snapshot_keys(snapshot_name) -%}
    {%- set existing = adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias
    ) -%}
    {%- if existing is not none -%}
        {%- set held = run_query("select count(*) from " ~ existing).columns[0].values()[0] -%}
        {%- if held > 0 -%}
            {{ log(existing ~ " already holds " ~ held ~ " rows: not loaded", info=true) }}
            {{ return(false) }}
        {%- endif -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- set target = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias, type='table'
    ) -%}
    {%- set scratch = target.incorporate(path={'identifier': node.alias ~ '__bulk_load'}) -%}
    {%- do adapter.create_schema(target) -%}
    {%- do adapter.drop_relation(scratch) -%}
    {%- call statement('snapshot_bulk_load') -%}
        {{ create_table_as(false, scratch, 'select * from ' ~ ref(history_model)) }}
    {%- endcall -%}
    {%- do adapter.rename_relation(scratch, target) -%}
    {%- set exports = snapshot_exports_relation(target, node.config) -%}
    {%- call statement('snapshot_exports_table') -%}
        create table if not exists {{ exports }} (export_date date)
    {%- endcall -%}
    {%- call statement('snapshot_exports_cleared') -%}
        delete from {{ exports }}
    {%- endcall -%}
    {%- if export_dates -%}
        {%- call statement('snapshot_exports_recorded') -%}
            insert into {{ exports }}
            {% for day in export_dates -%}
                select cast('{{ day }}' as date) as export_date
                {%- if not loop.last %} union all {% endif %}
            {% endfor %}
        {%- endcall -%}
    {%- endif -%}
    {%- do commit_operation() -%}
    {%- set loaded = run_query("select count(*) from " ~ target).columns[0].values()[0] -%}
    {{ log(target ~ ": " ~ loaded ~ " rows loaded from " ~ history_model, info=true) }}
    {{ return(true) }}
{%- endmacro %}


{% macro commit_operation() -%}
    {#- Commits what a run-operation wrote (dbt does not commit an operation by itself). -#}
    {{ return(adapter.dispatch('commit_operation', 'marketing_warehouse')()) }}
{%- endmacro %}

{% macro default__commit_operation() -%}
    {%- do adapter.commit() -%}
{%- endmacro %}

{% macro spark__commit_operation() -%}
    {#- Spark has no transactions: every statement is final. -#}
{%- endmacro %}
