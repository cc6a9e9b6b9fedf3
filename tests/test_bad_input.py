"""The malformed-input corpus: each file gives its own clear message at the right place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kit.cli import main
from kit.data.checks import DataWarning
from kit.data.loaders import load_cases, load_events, validate_file
from kit.errors import DataError

HERE = Path(__file__).parent / "bad_input"
EXPECTED = yaml.safe_load((HERE / "EXPECTED.yml").read_text(encoding="utf-8"))
# consistency findings are reported by validate but do not stop a loader
CASE_FILES = {
    "unknown_case_type.csv",
    "duplicate_case_id.csv",
    "bad_fee.csv",
    "unknown_crs.csv",
    "outside_sweden.csv",
}
WARN_ONLY = {
    "unknown_crs.csv",
    "outside_sweden.csv",
    "decision_before_received.csv",
    "duplicate_event.csv",
}


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in HERE.iterdir() if p.name != "EXPECTED.yml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_message_and_location(name):
    want = EXPECTED[name]
    report = validate_file(HERE / name, kind=want.get("kind"))
    assert not report.valid
    first = report.problems[0]
    assert want["message"] in first.message
    assert first.row == want["row"]
    assert first.column == want["column"]


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - WARN_ONLY))
def test_loader_raises_a_located_data_error(name):
    want = EXPECTED[name]
    loader = load_cases if name in CASE_FILES else load_events
    with pytest.raises(DataError) as info:
        loader(HERE / name)
    assert want["message"] in str(info.value)
    assert info.value.row == want["row"]


@pytest.mark.parametrize("name", sorted(WARN_ONLY))
def test_loader_reports_consistency_findings_without_fixing(name):
    loader = load_cases if name in CASE_FILES else load_events
    with pytest.warns(DataWarning, match=": 1"):
        df = loader(HERE / name)
    assert sum(df.attrs["checks"].values()) == 1
    assert len(df) == 2 or name == "unknown_crs.csv"  # nothing dropped


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_exit_1_one_message_no_traceback(name, capsys):
    want = EXPECTED[name]
    argv = ["validate", str(HERE / name), "--json"]
    if want.get("kind"):
        argv += ["--kind", want["kind"]]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["valid"] is False
    assert want["message"] in data["problems"][0]["message"]
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_leadtime_one_line_no_traceback(name, capsys):
    """Every corpus file through `testlab leadtime`: its exit code, one line on stderr."""
    want = EXPECTED[name]
    code = main(["leadtime", str(HERE / name)])
    out, err = capsys.readouterr()
    assert code == want.get("leadtime", 1)
    assert "Traceback" not in out + err
    if code:
        assert err.count("\n") == 1 and err.startswith(f"testlab leadtime: {HERE / name}")
        wanted = "missing required events column" if name in CASE_FILES else want["message"]
        assert want.get("leadtime_message", wanted) in err
