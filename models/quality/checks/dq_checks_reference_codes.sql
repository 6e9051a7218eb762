{#- Brand, specialty and segment codes outside the reference seeds, per table and file day
    (export day for contacts); each code of the list columns segment_codes and
    brands_of_interest counts once. The rows keep their codes as they are. The contacts
    exports are counted once per file in dq_contacts_export_counts. -#}
{%- set reference_columns = [
    ('stg_esp__campaigns', 'esp/campaigns', 'brand_code', 'brands', 'brand_code'),
    ('stg_crm__leads', 'crm/leads', 'brand_code', 'brands', 'brand_code'),
    ('stg_crm__activities', 'crm/activities', 'brand_code', 'brands', 'brand_code'),
] -%}
with

unknown_codes as (
    {{ contacts_export_counts('unknown_reference_codes') }}
    {%- for model, table, column, seed, seed_column in reference_columns %}
        union all
        select * from {{ unknown_code_counts(
            ref(model), table, column, ref(seed), seed_column, '_file_date'
        ) }} as counted
    {%- endfor %}
),

checks as (
    select
        day,
        'unknown_reference_codes' as check_name,
        check_scope,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator
    from unknown_codes
)

select * from checks
