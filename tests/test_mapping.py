"""Mapping files, with the shipped ByggR example and a synthetic ByggR-style export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kit.data.loaders import load_cases, load_events, validate_file
from kit.data.mapping import load_mapping
from kit.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
BYGGR = ROOT / "datasets" / "mappings" / "byggr.yml"
EVENTS = ROOT / "tests" / "data" / "byggr_handelser.csv"  # Windows-1252, ';', CRLF
CASES = ROOT / "tests" / "data" / "byggr_arenden.csv"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


def test_byggr_events_through_mapping():
    ev = load_events(EVENTS, mapping=BYGGR)
    assert list(ev.columns[:4]) == ["case_id", "activity", "timestamp", "resource"]
    first = ev[ev["case_id"] == "BYGG 2024-000101"]["activity"].tolist()
    assert first == [
        "received",
        "completion_requested",
        "supplement_received",
        "complete",
        "decision",
    ]
    assert ev["extension_weeks"].dropna().tolist() == [6]
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-02-05 09:12", tz="Europe/Stockholm")
    # personal data gone: applicant names and numbers in free text
    text = ev.astype("str").to_string()
    for secret in ("Öström", "19800115-1235", "559012-3450", "900372-3450", "Åberg"):
        assert secret not in text
    assert ev["Anteckning"].iloc[0].startswith("Ansökan från PN-")
    assert ev["Anteckning"].iloc[5].startswith("Org.nr ORG-")


def test_byggr_cases_through_mapping():
    ca = load_cases(CASES, mapping=BYGGR)
    assert ca["case_type"].tolist() == ["bygglov", "rivningslov", "anmalan"]  # BL, RL, ATTANM
    assert ca["fee_sek"].tolist() == [12345.5, 8200.0, 3100.0]
    assert ca["crs"].unique().tolist() == ["EPSG:3007"]
    assert ca["decision_outcome"].tolist()[:2] == ["bifall", "bifall"]
    assert ca.attrs["checks"]["coordinates_outside_sweden"] == 0


def test_byggr_export_validates_clean():
    report = validate_file(EVENTS, mapping=BYGGR)
    assert report.valid, report.problems
    assert report.kind == "events"
    assert report.personal_data_columns == ["Sökande", "Anteckning"]


def test_unknown_activity_code_is_located(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        "Diarienummer;Händelse;Datum\nA;ANSÖKAN;2024-01-01\nA;OKÄND;2024-01-02\n", encoding="utf-8"
    )
    report = validate_file(path, mapping=BYGGR)
    assert [(p.row, p.column) for p in report.problems] == [(2, "activity")]
    assert "'OKÄND'" in report.problems[0].message
    with pytest.raises(DataError, match="OKÄND"):
        load_events(path, mapping=BYGGR)


def test_missing_export_column_named(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Diarienummer;Händelse\nA;ANSÖKAN\n", encoding="utf-8")
    report = validate_file(path, mapping=BYGGR)
    assert report.problems[0].column == "Datum" and report.problems[0].row == 0


def test_codes_match_case_insensitively_and_timestamp_format(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "events:\n  columns: {Ärende: case_id, Typ: activity, När: timestamp}\n"
        "  activities: {Inkom: received}\n  unmapped_activities: keep\n"
        "  timestamp_format: '%d/%m/%Y'\n"
    )
    path = tmp_path / "e.csv"
    path.write_text("Ärende,Typ,När\nA, inkom ,05/02/2024\nA,Annat,06/02/2024\n", encoding="utf-8")
    ev = load_events(path, mapping=mapping)
    assert ev["activity"].tolist() == ["received", "Annat"]
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-02-05", tz="Europe/Stockholm")


@pytest.mark.parametrize(
    "text,message",
    [
        ("events: [1, 2]", "'events' must be a mapping"),
        ("evnts: {}", "unknown key 'evnts'"),
        ("events:\n  activities: {X: recieved}", "maps to 'recieved'"),
        ("cases:\n  case_types: {X: villa}", "maps to 'villa'"),
        ("events:\n  unmapped_activities: drop", "expected error or keep"),
        ("events: {columns: {a: b}\n", "not valid YAML"),
        ("- just a list", "must be a YAML mapping"),
    ],
)
def test_bad_mapping_files(tmp_path, text, message):
    path = tmp_path / "m.yml"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        load_mapping(path)


def test_mapping_file_missing(tmp_path):
    with pytest.raises(DataError, match="mapping file not found"):
        load_mapping(tmp_path / "none.yml")
