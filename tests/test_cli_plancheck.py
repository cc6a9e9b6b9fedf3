"""`testlab plancheck`: JSON shape, table output and exit codes."""

from __future__ import annotations

import json

import pytest

from kit.cli import main
from kit.config import REPO_ROOT

SAMPLE = REPO_ROOT / "datasets" / "umea" / "plan"
PLAN, PROPOSALS = str(SAMPLE / "detaljplan.json"), str(SAMPLE / "forslag.geojson")


def test_json_output_shape(capsys):
    assert main(["plancheck", PLAN, PROPOSALS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["proposals"]
    verdicts = {p["proposal_id"]: p["verdict"] for p in data["proposals"]}
    assert set(verdicts.values()) == {"pass", "fail", "manual"}  # exit 0 whatever the verdicts
    for p in data["proposals"]:
        assert list(p) == ["proposal_id", "verdict", "checks"] and p["checks"]
        for c in p["checks"]:
            assert list(c) == ["rule", "status", "measured", "allowed", "message"]
            assert c["status"] in ("pass", "fail", "manual") and c["message"]


def test_tolerance_and_language_options(capsys):
    assert main(["plancheck", PLAN, PROPOSALS, "--json", "--tolerance", "0", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    p03 = next(p for p in data["proposals"] if p["proposal_id"] == "P03")
    # the 5 cm prickmark overlap passes at the default 0.1 m but not without tolerance
    assert p03["verdict"] == "fail"
    assert any(c["message"].startswith("Building P03-1") for c in p03["checks"])


def test_table_output(capsys):
    assert main(["plancheck", PLAN, PROPOSALS]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Förslag", "Utfall", "Byggnad"]
    assert any(line.startswith("P10 ") and "Avvikelse" in line for line in lines)
    assert lines[-1] == "Prövade förslag: 10 · Godkänd: 3 · Avvikelse: 4 · Manuell prövning: 3"


def test_invalid_file_is_one_line_exit_1(tmp_path, capsys):
    bad = tmp_path / "forslag.geojson"
    data = json.loads(open(PROPOSALS, encoding="utf-8").read())
    del data["features"][0]["properties"]["proposal_id"]
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["plancheck", PLAN, str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err == f"testlab plancheck: {bad}: feature 0: missing properties.proposal_id\n"


def test_missing_file_exit_2(tmp_path, capsys):
    assert main(["plancheck", str(tmp_path / "nope.json"), PROPOSALS]) == 2
    assert "plan file not found" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--lang", "fi"], ["--tolerance", "-1"], ["--tolerance", "lite"]])
def test_usage_errors_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plancheck", PLAN, PROPOSALS, *args])
    assert exc.value.code == 2
