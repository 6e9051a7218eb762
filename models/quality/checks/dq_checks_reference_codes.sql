{#- Brand, specialty and segment codes outside the reference seeds, per table and file day
    (export day for contacts); each code of the list columns segment_codes and
    brands_of_interest counts once. The rows keep their codes as they are. -#}
{%- set reference_columns = [
    ('stg_crm__contacts', 'crm/contacts', 'specialty', 'specialties', 'specialty_code'),
    ('stg_esp__campaigns', 'esp/campaigns', 'brand_code', 'brands', 'brand_code'),
    ('stg_crm__leads', 'crm/leads', 'brand_code', 'brands', 'brand_code'),
    ('stg_crm__activities', 'crm/activities', 'brand_code', 'brands', 'brand_code'),
] -%}
{%- set list_reference_columns = [
    ('segment_codes', 'segment_catalogue', 'segment_code'),
    ('brands_of_interest', 'brands', 'brand_code'),
] -%}
with

unknown_codes as (
    {%- for model, table, column, seed, seed_column in reference_columns %}
        select
            rows_with_code.{{ 'export_date' if table == 'crm/contacts' else '_file_date' }} as day,
            '{{ table }}.{{ column }}' as check_scope,
            count(case when reference.{{ seed_column }} is null then 1 end) as unknown_rows,
            count(*) as rows_with_code
        from {{ ref(model) }} as rows_with_code
        left join {{ ref(seed) }} as reference
            on rows_with_code.{{ column }} = reference.{{ seed_column }}
        where rows_with_code.{{ column }} is not null
        group by 1
        union all
    {%- endfor %}
    {%- for column, seed, seed_column in list_reference_columns %}
        select
            listed_codes.export_date as day,
            'crm/contacts.{{ column }}' as check_scope,
            count(case when reference.{{ seed_column }} is null then 1 end) as unknown_rows,
            count(*) as rows_with_code
        from (
            select
                export_date,
                {{ unnest_list(column) }} as code
            from {{ ref('stg_crm__contacts') }}
        ) as listed_codes
        left join {{ ref(seed) }} as reference
            on listed_codes.code = reference.{{ seed_column }}
        where listed_codes.code is not null
        group by 1
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

checks as (
    select
        day,
        'unknown_reference_codes' as check_name,
        check_scope,
        cast(unknown_rows as double) as numerator,
        cast(rows_with_code as double) as denominator
    from unknown_codes
)

select * from checks
