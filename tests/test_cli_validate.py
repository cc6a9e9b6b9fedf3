"""`testlab validate`: text and JSON output, exit codes, no tracebacks, no personal values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "events.csv"
    good.write_text(
        "case_id;activity;timestamp;sokande\nA;received;2024-01-02;Åsa Öberg\nA;decision;2024-02-02;Åsa Öberg\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "case_id;activity;timestamp;note\nA;received;2024-01-02;pnr 19121212-1212\nA;decision;igår;\nB;received;;\n",
        encoding="utf-8",
    )
    return good, bad


def test_valid_file_text(files, capsys):
    good, _ = files
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"{good} (events): 2 rows, 4 columns" in out
    assert "personal data (pseudonymised on load, values not shown) in columns: sokande" in out
    assert out.strip().endswith("valid")
    assert "Åsa" not in out


def test_invalid_file_lists_problems_as_file_row_column(files, capsys):
    _, bad = files
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2:timestamp: cannot parse timestamp" in out
    assert f"{bad}:3:timestamp: timestamp is empty" in out
    assert "in columns: note" in out and "19121212" not in out
    assert "invalid: 2 problems" in out


def test_json_has_exactly_the_documented_keys(files, capsys):
    _, bad = files
    assert main(["validate", str(bad), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"valid", "rows", "problems", "personal_data_columns"}
    assert data["valid"] is False and data["rows"] == 3
    first = data["problems"][0]
    assert (first["row"], first["column"]) == (2, "timestamp")
    assert first["message"].startswith("cannot parse timestamp")
    assert data["personal_data_columns"] == ["note"]


def test_kind_and_mapping_options(capsys):
    mapping = ROOT / "datasets" / "mappings" / "byggr.yml"
    cases = ROOT / "tests" / "data" / "byggr_arenden.csv"
    assert (
        main(["validate", str(cases), "--kind", "cases", "--mapping", str(mapping), "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] and data["rows"] == 3 and data["personal_data_columns"] == ["Sökande"]


def test_forced_kind_wrong_for_file(files, capsys):
    good, _ = files
    assert main(["validate", str(good), "--kind", "cases"]) == 1
    assert "missing required cases column 'case_type'" in capsys.readouterr().out


def test_bad_kind_is_usage_error(files, capsys):
    good, _ = files
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good), "--kind", "people"])
    assert info.value.code == 2


def test_garbage_in_subprocess_has_no_traceback(tmp_path):
    garbage = tmp_path / "garbage.xes.gz"
    garbage.write_bytes(b"\x1f\x8b" + bytes(range(200)))
    res = subprocess.run(
        [sys.executable, "-m", "kit.cli", "validate", str(garbage)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert "gzip" in res.stdout
