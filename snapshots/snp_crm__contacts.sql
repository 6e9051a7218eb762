{#- The contact card history (properties and the rest of the config in _crm__snapshots.yml).
    Enabled by the one reading of var dbt_snapshots (macro dbt_snapshots_enabled): a config
    block, not dbt_project.yml, because dbt renders dbt_project.yml and YAML configs without
    the project's macros. -#}
{% snapshot snp_crm__contacts %}
    {{ config(enabled=dbt_snapshots_enabled()) }}
    select * from {{ ref('int_contacts_snapshot_input') }}
{% endsnapshot %}
