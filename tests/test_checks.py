"""Consistency checks: each finds exactly the rows built to fail it; nothing silently fixed."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.data.checks import CHECKS, coordinates, run_checks
from kit.errors import UsageError

TZ = "Europe/Stockholm"


def events(rows):
    df = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])
    df["timestamp"] = pd.to_datetime(df["timestamp"]).dt.tz_localize(TZ)
    return df.astype({"case_id": "str", "activity": "str"})


EV = events(
    [
        ("A", "received", "2024-01-10"),  # 0
        ("A", "decision", "2024-02-10"),  # 1
        ("A", "decision", "2024-02-10"),  # 2 duplicate of 1
        ("B", "received", "2024-03-10"),  # 3
        ("B", "decision", "2024-03-01"),  # 4 before received
        ("C", "received", "2099-01-01"),  # 5 future, and C is not in the cases
        ("D", "decision", "2024-01-01"),  # 6 no received: nothing to compare
    ]
)
CASES = pd.DataFrame(
    {
        "case_id": pd.Series(["A", "B", "D"], dtype="str"),
        "received": pd.to_datetime(["2024-01-10", "2024-03-11", None]).tz_localize(TZ),
        "x": [181579.0, 2.35, 150000.0],
        "y": [6423610.0, 48.85, 6400000.0],
        "crs": pd.Series(["EPSG:3007", "EPSG:4326", "EPSG:99999"], dtype="str"),
    }
)
NOW = pd.Timestamp("2025-01-01", tz=TZ)


def by_name(results):
    return {r.name: r for r in results}


def test_each_check_finds_its_rows():
    _, _, results = run_checks(EV, CASES, now=NOW, file="e.csv")
    r = by_name(results)
    assert set(r) == set(CHECKS)
    assert r["unknown_cases"].rows.tolist() == [5]
    assert r["duplicate_events"].rows.tolist() == [2]
    assert r["decision_before_received"].rows.tolist() == [4]
    assert r["future_timestamps"].rows.tolist() == [5]
    assert r["received_mismatch"].rows.tolist() == [1]  # B: 2024-03-11 vs event 2024-03-10
    assert r["unknown_crs"].rows.tolist() == [2]
    assert r["coordinates_outside_sweden"].rows.tolist() == [1]  # Paris
    assert r["received_mismatch"].problems[0].message == (
        "received 2024-03-11 but the case's received event is 2024-03-10"
    )
    assert r["duplicate_events"].problems[0].row == 3  # 1-based data row


def test_nothing_dropped_by_default():
    ev, ca, _ = run_checks(EV, CASES, now=NOW)
    assert len(ev) == len(EV) and len(ca) == len(CASES)


def test_drop_reports_how_many():
    ev, ca, results = run_checks(
        EV, CASES, now=NOW, drop=["duplicate_events", "unknown_cases", "future_timestamps"]
    )
    r = by_name(results)
    assert len(ev) == len(EV) - 2  # rows 2 and 5; row 5 counted once
    assert r["unknown_cases"].dropped + r["future_timestamps"].dropped == 1
    assert r["duplicate_events"].dropped == 1
    assert len(ca) == len(CASES)
    ev_all, ca_all, _ = run_checks(EV, CASES, now=NOW, drop=["all"])
    assert len(ev_all) == 4 and len(ca_all) == 1


def test_unknown_check_name():
    with pytest.raises(UsageError, match="unknown check 'dupes'"):
        run_checks(EV, drop=["dupes"])


@pytest.mark.parametrize(
    "crs,x,y,outside",
    [
        ("EPSG:3006", 674032.0, 6580822.0, False),  # Stockholm in SWEREF 99 TM
        ("EPSG:3006", 6580822.0, 674032.0, True),  # axes swapped
        ("EPSG:4326", 20.26, 63.83, False),  # Umeå lon/lat
        ("EPSG:4326", 10.75, 59.91, False),  # Oslo is inside the rough bbox
        ("EPSG:4326", 9.9, 57.0, True),  # west of lon 10
    ],
)
def test_coordinates_transformed_to_wgs84(crs, x, y, outside):
    cases = pd.DataFrame({"x": [x], "y": [y], "crs": [crs]})
    unknown, out = coordinates(cases)
    assert unknown.count == 0
    assert out.count == int(outside)


def test_missing_coordinates_are_not_checked():
    cases = pd.DataFrame({"x": [None], "y": [1.0], "crs": ["EPSG:99999"]})
    unknown, out = coordinates(cases)
    assert unknown.count == 0 and out.count == 0


def test_exclude_cases_removes_whole_cases_decided_before_received():
    from kit.data.checks import exclude_cases

    ts = pd.to_datetime(
        ["2024-03-10", "2024-03-01", "2024-03-02", "2024-03-10", "2024-03-20"]
    ).tz_localize("Europe/Stockholm")
    events = pd.DataFrame(
        {
            "case_id": ["E", "E", "E", "F", "F"],
            "activity": ["received", "decision", "referral", "received", "decision"],
            "timestamp": ts,
        }
    )
    cases = pd.DataFrame({"case_id": ["E", "F"], "case_type": ["bygglov", "bygglov"]})
    ev, ca, excluded = exclude_cases(events, cases)
    assert excluded == {"decision_before_received": 1}
    assert ev["case_id"].tolist() == ["F", "F"] and ca["case_id"].tolist() == ["F"]
    assert len(events) == 5  # the input is not modified
    ev2, ca2, none = exclude_cases(ev, ca)
    assert none == {} and ev2 is ev and ca2 is ca
