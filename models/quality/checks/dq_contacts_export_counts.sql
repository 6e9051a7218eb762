{{ config(**load_by_file_config(['_source_file', 'check_name', 'check_scope'])) }}
{#- The contacts exports' identifier and reference-code counts, counted once per file: an
    export's counts depend on its own rows only (a contact repeats only across exports),
    and a year of exports (170M rows) is what a daily run must not read again. The
    contacts' rows of dq_checks_identifiers and dq_checks_reference_codes. -#}
with

contacts as {{ not_materialized() }} (
    select
        _source_file,
        export_date,
        email,
        is_email_invalid,
        phone,
        is_phone_invalid,
        specialty,
        segment_codes,
        brands_of_interest
    from {{ ref('stg_crm__contacts') }}
    where {{ unloaded_files('_source_file') }}
),

invalid_identifiers as (
    {{ invalid_identifier_counts(
        'contacts', 'crm/contacts', ['email', 'phone'], 'export_date', keys=['_source_file']
    ) }}
),

unknown_codes as (
    {{ unknown_code_counts(
        'contacts', 'crm/contacts', 'specialty', ref('specialties'), 'specialty_code',
        'export_date', keys=['_source_file']
    ) }}
    union all
    {{ unknown_code_counts(
        'contacts', 'crm/contacts', 'segment_codes', ref('segment_catalogue'), 'segment_code',
        'export_date', keys=['_source_file'], is_list=true
    ) }}
    union all
    {{ unknown_code_counts(
        'contacts', 'crm/contacts', 'brands_of_interest', ref('brands'), 'brand_code',
        'export_date', keys=['_source_file'], is_list=true
    ) }}
),

counts as (
    select
        _source_file,
        day,
        'invalid_identifiers' as check_name,
        check_scope,
        numerator,
        denominator
    from invalid_identifiers
    union all
    select
        _source_file,
        day,
        'unknown_reference_codes' as check_name,
        check_scope,
        numerator,
        denominator
    from unknown_codes
)

select * from counts
