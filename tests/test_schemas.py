"""Canonical tables: vocabulary, case-type codes, coercion and pandera contracts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kit.data.schemas import (
    ACTIVITIES,
    CASE_TYPES,
    coerce_cases,
    coerce_events,
    normalise_case_types,
    parse_numbers,
    parse_timestamps,
    schema_problems,
)


def test_vocabulary_matches_architecture():
    assert ACTIVITIES[0] == "received" and "decision" in ACTIVITIES and len(ACTIVITIES) == 16
    assert CASE_TYPES == ("bygglov", "rivningslov", "marklov", "forhandsbesked", "anmalan")


@pytest.mark.parametrize(
    "code,expected",
    [
        ("BL", "bygglov"),
        ("RL", "rivningslov"),
        ("MARK", "marklov"),
        ("FÖRF", "forhandsbesked"),
        ("ANM", "anmalan"),
        ("ATTANM", "anmalan"),
        ("TIDS", "bygglov"),
        (" bl ", "bygglov"),
        ("Förhandsbesked", "forhandsbesked"),
        ("anmalan", "anmalan"),
    ],
)
def test_case_type_codes(code, expected):
    types, bad = normalise_case_types(pd.Series([code]))
    assert types.iloc[0] == expected and not bad.iloc[0]


def test_unknown_case_type_is_bad_and_empty_is_missing():
    types, bad = normalise_case_types(pd.Series(["XYZ", None, ""]))
    assert bad.tolist() == [True, False, False]
    assert types.isna().all()


def test_naive_timestamps_are_stockholm_local_time():
    ts, bad = parse_timestamps(pd.Series(["2024-01-15 09:30", "2024-07-01", None]))
    assert str(ts.dtype.tz) == "Europe/Stockholm"
    assert ts.iloc[0] == pd.Timestamp("2024-01-15 08:30", tz="UTC")  # CET = UTC+1
    assert ts.iloc[1] == pd.Timestamp("2024-06-30 22:00", tz="UTC")  # CEST = UTC+2
    assert pd.isna(ts.iloc[2]) and not bad.any()


def test_offsets_and_z_are_converted_and_mix_with_naive():
    ts, bad = parse_timestamps(
        pd.Series(["2024-01-15T09:30:00+02:00", "2024-01-15T09:30:00Z", "2024-01-15 09:30"])
    )
    assert ts.iloc[0] == pd.Timestamp("2024-01-15 07:30", tz="UTC")
    assert ts.iloc[1] == pd.Timestamp("2024-01-15 09:30", tz="UTC")
    assert ts.iloc[2] == pd.Timestamp("2024-01-15 08:30", tz="UTC")
    assert not bad.any()


def test_dst_edges_do_not_fail():
    # 2024-10-27 02:30 happens twice (read as summer time), 2024-03-31 02:30 never happens
    ts, bad = parse_timestamps(pd.Series(["2024-10-27 02:30", "2024-03-31 02:30"]))
    assert not bad.any()
    assert ts.iloc[0] == pd.Timestamp("2024-10-27 00:30", tz="UTC")
    assert ts.iloc[1] == pd.Timestamp("2024-03-31 01:00", tz="UTC")  # shifted to 03:00 local


def test_strptime_format_and_bad_values():
    ts, bad = parse_timestamps(pd.Series(["05/02/2024 09:12", "2024-02-05"]), "%d/%m/%Y %H:%M")
    assert ts.iloc[0] == pd.Timestamp("2024-02-05 09:12", tz="Europe/Stockholm")
    assert bad.tolist() == [False, True]


def test_numbers_with_decimal_comma_and_spaces():
    floats, bad = parse_numbers(
        pd.Series(["12 345,50", "1234.5", "1\u00a0000", "-3,25", "", "tolv", "1,234.5"])
    )
    assert floats.iloc[:4].tolist() == [12345.5, 1234.5, 1000.0, -3.25]
    assert pd.isna(floats.iloc[4]) and bad.tolist() == [
        False,
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    assert floats.iloc[6] == 1234.5


def test_coerce_events_reports_every_bad_row_with_location():
    raw = pd.DataFrame(
        {
            "case_id": ["A", "A", None],
            "activity": ["received", "decision", "decision"],
            "timestamp": ["2024-01-01", "soon", "2024-02-01"],
            "extension_weeks": [None, "2,5", None],
        },
        dtype="str",
    )
    df, problems = coerce_events(raw, file="f.csv")
    where = sorted((p.row, p.column) for p in problems)
    assert where == [(2, "extension_weeks"), (2, "timestamp"), (3, "case_id")]
    assert str(df["extension_weeks"].dtype) == "Int64"


def test_coerce_cases_types_and_schema_passes():
    raw = pd.DataFrame(
        {
            "case_id": ["A", "B"],
            "case_type": ["BL", "ATTANM"],
            "received": ["2024-01-02", None],
            "fee_sek": ["1 000,5", None],
            "x": ["150000", "150001"],
            "y": ["6400000", "6400001"],
            "decision_outcome": ["Bifall", None],
        },
        dtype="str",
    )
    df, problems = coerce_cases(raw)
    assert problems == []
    assert df["case_type"].tolist() == ["bygglov", "anmalan"]
    assert df["fee_sek"].iloc[0] == 1000.5 and df["crs"].tolist() == ["EPSG:3006"] * 2
    assert df["decision_outcome"].iloc[0] == "bifall"
    assert df["received"].iloc[0] == pd.Timestamp("2024-01-02", tz="Europe/Stockholm")
    assert schema_problems(df, "cases") == []


def test_schema_catches_what_coercion_does_not_produce():
    df = pd.DataFrame(
        {
            "case_id": ["A"],
            "activity": ["received"],
            "timestamp": pd.to_datetime(["2024-01-01"]).tz_localize("UTC"),
        }
    )
    problems = schema_problems(df, "events", "f.csv")
    assert [p.column for p in problems] == ["timestamp"]
    cases = pd.DataFrame({"case_id": ["A"], "case_type": ["villa"], "fee_sek": [-1.0]})
    assert {p.column for p in schema_problems(cases, "cases")} == {"case_type", "fee_sek"}


def test_plausible_range_edges():
    from kit.data.schemas import plausible_range

    now = pd.Timestamp("2026-06-15 12:00", tz="Europe/Stockholm")
    earliest, latest = plausible_range(now)
    assert earliest == pd.Timestamp("1900-01-01", tz="Europe/Stockholm")
    assert latest == pd.Timestamp("2027-06-16", tz="Europe/Stockholm")  # 366 days on, midnight


def test_dates_outside_the_plausible_range_are_located_and_made_missing():
    raw = pd.DataFrame(
        {
            "case_id": ["A", "A", "A", "A"],
            "activity": ["received", "decision", "received", "decision"],
            "timestamp": ["1900-01-01", "1899-12-31 23:59", "1600-01-01", "9999-12-31"],
        },
        dtype="str",
    )
    out, problems = coerce_events(raw, file="f.csv")
    assert [(p.row, p.column) for p in problems] == [
        (2, "timestamp"),
        (3, "timestamp"),
        (4, "timestamp"),
    ]
    assert re.fullmatch(
        r"f\.csv:2:timestamp: timestamp 1899-12-31 is outside the plausible range 1900-01-01 "
        r"to \d{4}-\d\d-\d\d \(today \+ 1 year\)",
        str(problems[0]),
    )
    assert out["timestamp"].isna().tolist() == [False, True, True, True]


def test_case_dates_outside_the_plausible_range():
    raw = pd.DataFrame(
        {
            "case_id": ["A", "B"],
            "case_type": ["BL", "BL"],
            "received": ["2024-01-02", "1600-01-01"],
        },
        dtype="str",
    )
    out, problems = coerce_cases(raw, file="c.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "received")]
    assert "date 1600-01-01 is outside the plausible range" in problems[0].message


# --- the pandas-only contract check must never pass a frame pandera would fail ---------------


def _valid_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": pd.Series(["A", "A", "B"], dtype="str"),
            "activity": pd.Series(["received", "decision", "received"], dtype="str"),
            "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-03"]).tz_localize(
                "Europe/Stockholm"
            ),
            "resource": pd.Series(["h1", None, "h2"], dtype="str"),
            "extension_weeks": pd.array([None, 0, 10], dtype="Int64"),
        }
    )


def _valid_cases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": pd.Series(["A", "B"], dtype="str"),
            "case_type": pd.Series(["bygglov", "anmalan"], dtype="str"),
            "received": pd.to_datetime(["2024-01-01", None]).tz_localize("Europe/Stockholm"),
            "fee_sek": [0.0, float("nan")],
            "x": [150000.0, float("nan")],
            "y": [6400000.0, float("nan")],
            "crs": pd.Series(["EPSG:3006", "EPSG:3006"], dtype="str"),
            "district": pd.Series(["Norr", None], dtype="str"),
            "decision_outcome": pd.Series(["bifall", None], dtype="str"),
        }
    )


def _broken(kind: str, change) -> pd.DataFrame:
    df = _valid_events() if kind == "events" else _valid_cases()
    change(df)
    return df


def _set(column, values):
    def change(df):
        df[column] = values

    return change


BROKEN = {
    "events without case_id": ("events", lambda df: df.pop("case_id")),
    "missing case_id": ("events", _set("case_id", pd.Series(["A", None, "B"], dtype="str"))),
    "missing activity": ("events", _set("activity", pd.Series([None, "x", "y"], dtype="str"))),
    "UTC timestamps": (
        "events",
        _set("timestamp", pd.to_datetime(["2024-01-01"] * 3).tz_localize("UTC")),
    ),
    "naive timestamps": ("events", _set("timestamp", pd.to_datetime(["2024-01-01"] * 3))),
    "missing timestamp": (
        "events",
        _set(
            "timestamp", pd.to_datetime(["2024-01-01", None, None]).tz_localize("Europe/Stockholm")
        ),
    ),
    "numbers as case_id": ("events", _set("case_id", [1, 2, 3])),
    "negative extension": ("events", _set("extension_weeks", pd.array([None, -1, 2], "Int64"))),
    "float extension": ("events", _set("extension_weeks", [1.0, 2.0, 3.0])),
    "duplicate case_id": ("cases", _set("case_id", pd.Series(["A", "A"], dtype="str"))),
    "unknown case type": ("cases", _set("case_type", pd.Series(["villa", "anmalan"], dtype="str"))),
    "missing case type": ("cases", _set("case_type", pd.Series([None, "anmalan"], dtype="str"))),
    "negative fee": ("cases", _set("fee_sek", [-1.0, 5.0])),
    "fee as text": ("cases", _set("fee_sek", pd.Series(["1", "2"], dtype="str"))),
    "float32 x": ("cases", _set("x", pd.Series([1.0, 2.0], dtype="float32"))),
    "missing crs": ("cases", _set("crs", pd.Series(["EPSG:3006", None], dtype="str"))),
    "unknown outcome": (
        "cases",
        _set("decision_outcome", pd.Series(["bifall", "kanske"], dtype="str")),
    ),
    "received in UTC": (
        "cases",
        _set("received", pd.to_datetime(["2024-01-01", None]).tz_localize("UTC")),
    ),
}


def _pandera_problems(df: pd.DataFrame, kind: str) -> list:
    from kit.data import schemas

    original = schemas._meets_contract
    schemas._meets_contract = lambda df, kind: False  # force the pandera path
    try:
        return schema_problems(df, kind, "f.csv")
    finally:
        schemas._meets_contract = original


@pytest.mark.parametrize("kind", ["events", "cases"])
def test_fast_contract_passes_a_valid_frame_that_pandera_passes(kind):
    from kit.data.schemas import _meets_contract

    df = _valid_events() if kind == "events" else _valid_cases()
    assert _pandera_problems(df, kind) == []
    assert _meets_contract(df, kind)
    assert schema_problems(df, kind) == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_fast_contract_refuses_every_break_and_pandera_reports_it(name):
    from kit.data.schemas import _meets_contract

    kind, change = BROKEN[name]
    df = _broken(kind, change)
    assert not _meets_contract(df, kind)
    expected = _pandera_problems(df, kind)
    assert expected, f"pandera passes {name!r}: the case is not a break"
    assert schema_problems(df, kind, "f.csv") == expected
