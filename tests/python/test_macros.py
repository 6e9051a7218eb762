"""The normalization, time-zone and rate macros, rendered by dbt and run in DuckDB, against
values worked out by hand. Every query is compiled by one dbt call (module fixture `shown`)."""

from __future__ import annotations

import pytest
from dbt_helpers import dbt_show_many


def _single_column(macro_sql: str, inputs: list[str | None]) -> str:
    """A query of macro_sql over the column `raw` holding inputs, in their order."""
    values = ", ".join(
        f"({position}, {'null' if value is None else repr(value)})"
        for position, value in enumerate(inputs)
    )
    return (
        f"select position, {macro_sql} as result from (values {values}) as cases(position, raw)"
        " order by position"
    )


def _results(rows: list[dict]) -> list[object]:
    return [row["result"] for row in rows]


PHONES = {
    "+7 (916) 123-45-67": "+79161234567",
    "89161234567": "+79161234567",
    "8-916-123-45-67": "+79161234567",
    "9161234567": "+79161234567",
    "7 916 123 45 67": "+79161234567",
    "+7-916-123-4567": "+79161234567",
    " 8 (495) 765 43 21 ": "+74957654321",
    "79161234567": "+79161234567",
    "12345": None,  # too short
    "+1 (212) 555-01-23": None,  # 11 digits starting 1: not Russian
    "8916123456": None,  # 10 digits starting 8
    "891612345678": None,  # 12 digits
    "": None,
    "n/a": None,
    None: None,
}


def test_normalize_phone(shown: dict[str, list[dict]]) -> None:
    assert _results(shown["phone"]) == list(PHONES.values())


EMAILS = {
    " Doc@Example.RU ": "doc@example.ru",
    "ANNA.IVANOVA@MAIL.RU": "anna.ivanova@mail.ru",
    "a.b+tag@sub.clinic.ru": "a.b+tag@sub.clinic.ru",
    "no-at-sign.ru": None,
    "two@@example.ru": None,
    "a@b@example.ru": None,
    "user@localhost": None,  # no dot in the domain
    "user.name@": None,
    "": None,
    None: None,
}


def test_normalize_email(shown: dict[str, list[dict]]) -> None:
    assert _results(shown["email"]) == list(EMAILS.values())


IDENTIFIERS = ["doc@example.ru", "broken", "", None]


def test_is_invalid_identifier_flags_only_given_values(shown: dict[str, list[dict]]) -> None:
    assert _results(shown["invalid_identifier"]) == [False, True, False, False]


CALLTRACKING_TIMES = [
    "05.01.2026 10:00:00",
    "01.01.2026 01:30:15",
    " 31.12.2025 23:59:59 ",
    "31.02.2026 10:00:00",
    "2026-01-05 10:00:00",
    None,
]


def test_calltracking_local_text_is_moscow_time(shown: dict[str, list[dict]]) -> None:
    assert _results(shown["calltracking_time"]) == [
        # an ISO timestamp is unambiguous: read by value (raw_exports.md, physical types)
        "2026-01-05T07:00:00",
        "2025-12-31T22:30:15",
        "2025-12-31T20:59:59",
        None,
        "2026-01-05T07:00:00",
        None,
    ]


def test_local_day_and_day_end_in_reporting_time_zone(shown: dict[str, list[dict]]) -> None:
    assert shown["local_day"] == [
        {
            "before_midnight": "2026-01-05",
            "at_midnight": "2026-01-06",
            "day_end": "2026-01-05T21:00:00",
        }
    ]


def test_to_utc_from_offset_text_and_timestamptz(shown: dict[str, list[dict]]) -> None:
    assert shown["to_utc"] == [
        {
            "from_text": "2026-01-05T07:00:00",
            "from_tstz": "2026-01-05T10:00:00",
            "unparseable": None,
        }
    ]


# Wilson 95% intervals worked out by hand: centre (p + z²/2n) ± z·sqrt(p(1-p)/n + z²/4n²),
# over 1 + z²/n, with z = 1.959964 (e.g. 50/1000: (0.0519207 ∓ 0.0136439) / 1.0038415).
WILSON = [
    (8, 10, 0.490162, 0.943318),
    (0, 10, 0.0, 0.277533),
    (10, 10, 0.722467, 1.0),
    (1, 2, 0.094531, 0.905469),
    (50, 1000, 0.038130, 0.065314),
]


def test_wilson_interval(shown: dict[str, list[dict]]) -> None:
    by_case = {(row["successes"], row["trials"]): row for row in shown["wilson"]}
    for successes, trials, low, high in WILSON:
        row = by_case[(successes, trials)]
        assert row["low"] == pytest.approx(low, abs=1e-6), (successes, trials)
        assert row["high"] == pytest.approx(high, abs=1e-6), (successes, trials)
        assert row["rate"] == pytest.approx(successes / trials)


def test_rates_are_null_not_infinite_on_zero_denominators(
    shown: dict[str, list[dict]],
) -> None:
    assert shown["zero_denominators"] == [
        {
            "rate": None,
            "low": None,
            "high": None,
            "unknown": None,
            "above_one": 1.2,
            "low_above_one": None,
        }
    ]


# Zones with a fixed offset since 2014, yearly DST, a half-hour offset, and a southern DST.
ZONES = ["Europe/Moscow", "Europe/Berlin", "America/St_Johns", "Australia/Sydney", "UTC"]


def _icu_local(zone: str, column: str) -> str:
    return f"timezone('{zone}', timezone('UTC', {column}))"


def _zone_check_sql(zone: str) -> str:
    """Every hour from 2000 to 2031 and every minute around each offset change (found by
    ICU), counting where the lookup differs from ICU."""
    lookup = f"{{{{ utc_to_local('at_utc', '{zone}') }}}}"
    return (
        f"select '{zone}' as zone, count(*) as checked, count(*) filter (where {lookup}"
        f" is distinct from {_icu_local(zone, 'at_utc')}) as differing from ("
        " select at_utc from hours union all"
        " select unnest(generate_series(at_utc - interval 1 hour, at_utc + interval 1 hour,"
        " interval 1 minute)) from hours"
        f" where {_icu_local(zone, 'at_utc')} - at_utc is distinct from"
        f" {_icu_local(zone, 'at_utc + interval 1 hour')} - (at_utc + interval 1 hour))"
    )


def test_utc_to_local_equals_icu_every_hour_and_around_each_change(
    shown: dict[str, list[dict]],
) -> None:
    """The compile-time offset lookup against DuckDB's ICU time zones, an independent
    implementation."""
    rows = shown["zones"]
    assert {row["zone"]: row["differing"] for row in rows} == dict.fromkeys(ZONES, 0)
    assert min(row["checked"] for row in rows) > 271_000


QUERIES = {
    "phone": _single_column("{{ normalize_phone('raw') }}", list(PHONES)),
    "email": _single_column("{{ normalize_email('raw') }}", list(EMAILS)),
    "invalid_identifier": _single_column(
        "{{ is_invalid_identifier('raw', normalize_email('raw')) }}", IDENTIFIERS
    ),
    "calltracking_time": _single_column(
        "{{ local_text_to_utc('raw', 'Europe/Moscow') }}", CALLTRACKING_TIMES
    ),
    "local_day": (
        "select {{ local_day(\"cast('2026-01-05 20:59:59' as timestamp)\") }} as before_midnight,"
        " {{ local_day(\"cast('2026-01-05 21:00:00' as timestamp)\") }} as at_midnight,"
        " {{ local_day_end_utc(\"cast('2026-01-05' as date)\") }} as day_end"
    ),
    "to_utc": (
        "select {{ to_utc(\"'2026-01-05 10:00:00+03'\") }} as from_text,"
        " {{ to_utc(\"cast('2026-01-05 10:00:00+00' as timestamptz)\") }} as from_tstz,"
        " {{ to_utc(\"'not a time'\") }} as unparseable"
    ),
    "wilson": (
        "select successes, trials, {{ wilson_bound('successes', 'trials', 'low') }} as low,"
        " {{ wilson_bound('successes', 'trials', 'high') }} as high,"
        " {{ safe_divide('successes', 'trials') }} as rate from (values "
        + ", ".join(f"({successes}, {trials})" for successes, trials, _, _ in WILSON)
        + ") as cases(successes, trials) order by trials, successes"
    ),
    "zero_denominators": (
        "select {{ safe_divide(5, 0) }} as rate, {{ wilson_bound(0, 0, 'low') }} as low,"
        " {{ wilson_bound(0, 0, 'high') }} as high, {{ safe_divide(5, 'null') }} as unknown,"
        " {{ safe_divide(12, 10) }} as above_one, {{ wilson_bound(12, 10, 'low') }} as low_above_one"
    ),
    "zones": (
        "with hours as (select unnest(generate_series(timestamp '2000-01-01',"
        " timestamp '2031-01-01', interval 1 hour)) as at_utc) "
        + " union all ".join(_zone_check_sql(zone) for zone in ZONES)
    ),
}


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    return dbt_show_many(QUERIES, tmp_path_factory.mktemp("macros") / "macros.duckdb")
