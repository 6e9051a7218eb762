{% macro contact_card_columns() -%}
    {#- The columns of a contact card that the snapshot records, before updated_at,
        is_deleted and export_date. -#}
    {{ return([
        'contact_id', 'email', 'is_email_invalid', 'phone', 'is_phone_invalid', 'first_name',
        'last_name', 'specialty', 'workplace_type', 'city', 'region', 'registered_at',
        'registration_source', 'consent_email', 'consent_sms', 'consent_calls',
        'consent_messengers', 'consent_personal_data', 'consent_third_party', 'email_status',
        'brands_of_interest', 'activity_segment', 'segment_codes',
    ]) }}
{%- endmacro %}


{% macro compare_contact_exports(contacts, export_date) -%}
    {#- One contacts export (export_date, an SQL expression) of a relation with one row per
        contact_id and export_date, plus a tombstone for each contact the export before it
        has and it lacks: a hard delete dated in business time (the end of that export's
        day), which closes the contact's history in the snapshot. A soft-deleted card
        (is_deleted) needs none. Reads that export and the one before it only. -#}
    {%- set card_columns = contact_card_columns() -%}
with

returned_exports as (
    select * from {{ contacts }}
    where export_date = {{ export_date }}
),

previous_exports as (
    -- the export before the chosen one, when the chosen one has rows
    select
        earlier.*,
        {{ export_date }} as next_export_date
    from {{ contacts }} as earlier
    where
        earlier.export_date = {{ contacts_export_date(
            "(select max(before_chosen.export_date) from " ~ contacts ~ " as before_chosen"
            ~ " where before_chosen.export_date < " ~ export_date ~ ")",
            var_name='contacts_previous_export_date',
        ) }}
        and exists (select 1 from returned_exports)
),

tombstones as (
    select
        {%- for column in card_columns %}
            previous_exports.{{ column }},
        {%- endfor %}
        {{ local_day_end_utc('previous_exports.next_export_date') }} as updated_at,
        true as is_deleted,
        previous_exports.next_export_date as export_date
    from previous_exports
    left join returned_exports as next_export
        on
            previous_exports.next_export_date = next_export.export_date
            and previous_exports.contact_id = next_export.contact_id
    where
        not previous_exports.is_deleted
        and next_export.contact_id is null
),

exported as (
    select
        {%- for column in card_columns %}
            {{ column }},
        {%- endfor %}
        updated_at,
        is_deleted,
        export_date
    from returned_exports
    union all
    select * from tombstones
)

select * from exported
{%- endmacro %}
