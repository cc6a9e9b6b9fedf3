"""Public loaders: load_events, load_cases, load_log, load_sample, validate_file."""

from __future__ import annotations

import json
import os
import warnings

import pandas as pd
import pytest

from kit.data.checks import DataWarning
from kit.data.loaders import load_cases, load_events, load_log, load_sample, validate_file
from kit.errors import DataError

EVENTS = (
    "case_id,activity,timestamp,resource,sokande,note\n"
    "BYGG 1,received,2024-03-01T09:00:00,Bo,Åsa Öberg,ring 19121212-1212\n"
    "BYGG 1,decision,2024-04-01T10:00:00+02:00,Bo,Åsa Öberg,\n"
    "BYGG 2,received,2024-03-05,Eva,Per Nilsson,\n"
)
CASES = (
    "case_id,case_type,received,fee_sek,x,y\n"
    "BYGG 1,bygglov,2024-03-01,12000.5,674032,6580822\n"
    "BYGG 2,anmalan,2024-03-05,,674000,6580000\n"
)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


@pytest.fixture
def sample(tmp_path, monkeypatch):
    folder = tmp_path / "datasets" / "umea"
    folder.mkdir(parents=True)
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    (folder / "cases.csv").write_text(CASES, encoding="utf-8")
    monkeypatch.setenv("TESTLAB_DATASETS", str(tmp_path / "datasets"))
    return folder


def test_load_events_canonical_and_pseudonymised(sample):
    ev = load_events(sample / "events.csv")
    assert str(ev["timestamp"].dtype) == "datetime64[us, Europe/Stockholm]"
    assert ev["timestamp"].iloc[1] == pd.Timestamp("2024-04-01 08:00", tz="UTC")
    assert "Åsa" not in ev.to_string() and "19121212" not in ev.to_string()
    assert ev["sokande"].nunique() == 2
    assert ev.attrs["checks"] == {
        "duplicate_events": 0,
        "decision_before_received": 0,
        "future_timestamps": 0,
    }


def test_pseudonymise_false_keeps_values(sample):
    ev = load_events(sample / "events.csv", pseudonymise=False)
    assert ev["sokande"].iloc[0] == "Åsa Öberg"


def test_check_false_leaves_bad_values_missing(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("case_id,activity,timestamp\nA,received,never\n")
    with pytest.raises(DataError, match="cannot parse timestamp"):
        load_events(path)
    ev = load_events(path, check=False)
    assert pd.isna(ev["timestamp"].iloc[0])


def test_load_cases(sample):
    ca = load_cases(sample / "cases.csv")
    assert ca["case_type"].tolist() == ["bygglov", "anmalan"]
    assert ca["fee_sek"].iloc[0] == 12000.5 and pd.isna(ca["fee_sek"].iloc[1])
    assert ca["crs"].tolist() == ["EPSG:3006", "EPSG:3006"]


def test_load_sample_cached_and_fresh_objects(sample):
    a = load_sample("umea")
    b = load_sample("umea")
    assert a.municipality == "umea"
    assert a.events is not b.events
    pd.testing.assert_frame_equal(a.events, b.events)
    a.events["extra"] = 1  # callers may modify what they get
    assert "extra" not in load_sample("umea").events.columns


def test_load_sample_reloads_when_file_changes(sample):
    assert len(load_sample("umea").events) == 3
    path = sample / "events.csv"
    path.write_text(EVENTS + "BYGG 2,decision,2024-03-20,Eva,Per Nilsson,\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert len(load_sample("umea").events) == 4


def test_load_sample_missing(sample):
    with pytest.raises(DataError, match="no sample data for 'alingsas'"):
        load_sample("alingsas")


def test_load_log_csv_has_no_cases(sample):
    ev, cases = load_log(sample / "events.csv")
    assert cases is None and len(ev) == 3


def test_warning_has_counts_and_rows_are_kept(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("case_id,activity,timestamp\nA,received,2024-01-02\nA,received,2024-01-02\n")
    with pytest.warns(DataWarning, match="duplicate_events: 1"):
        ev = load_events(path)
    assert len(ev) == 2


def test_validate_report(sample):
    report = validate_file(sample / "events.csv")
    assert report.valid and report.kind == "events" and report.rows == 3
    assert report.columns == ["case_id", "activity", "timestamp", "resource", "sokande", "note"]
    assert report.personal_data_columns == ["sokande", "note"]
    assert json.loads(report.to_json()) == {
        "valid": True,
        "rows": 3,
        "problems": [],
        "personal_data_columns": ["sokande", "note"],
    }
    cases = validate_file(sample / "cases.csv")
    assert cases.kind == "cases" and cases.valid
    assert cases.counts["coordinates_outside_sweden"] == 0


def test_validate_never_prints_personal_values(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "case_id,case_type,sokande\n19121212-1212,bygglov,Åsa Öberg\n19121212-1212,RL,Åsa Öberg\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = validate_file(path)
    text = report.to_json() + " ".join(str(p) for p in report.problems)
    assert not report.valid  # duplicate case_id
    assert "1212" not in text and "Åsa" not in text
    assert report.personal_data_columns == ["case_id", "sokande"]
