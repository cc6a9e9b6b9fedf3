"""The plan-check bad-input corpus (tests/bad_plans, issue 16): one line, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kit.cli import main
from kit.config import REPO_ROOT
from kit.errors import PlanError
from kit.plans.reader import read_plan, read_proposals

HERE = Path(__file__).parent / "bad_plans"
EXPECTED = yaml.safe_load((HERE / "EXPECTED.yml").read_text(encoding="utf-8"))
SAMPLE = REPO_ROOT / "datasets" / "umea" / "plan"
PLAN, PROPOSALS = SAMPLE / "detaljplan.json", SAMPLE / "forslag.geojson"
DEPTH = 100_000


def test_every_corpus_file_has_an_expectation():
    assert {p.name for p in HERE.iterdir() if p.name != "EXPECTED.yml"} == set(EXPECTED)


def _run(capsys, plan: Path, proposals: Path) -> tuple[int, str, str]:
    code = main(["plancheck", str(plan), str(proposals), "--json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_plancheck_on_corpus_file(name, capsys):
    want = EXPECTED[name]
    path = HERE / name
    args = (path, PROPOSALS) if want["role"] == "plan" else (PLAN, path)
    code, out, err = _run(capsys, *args)
    assert code == want["exit"]
    if "error" in want:
        assert err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith(f"testlab plancheck: {path}:")
        assert want["error"] in err
    elif "warning" in want:
        assert err.count("\n") == 1
        assert err.startswith(f"testlab plancheck: warning: {path}: ")
        assert want["warning"] in err
    else:
        assert err == ""
    if want.get("same_as_sample"):
        assert json.loads(out) == json.loads(_run(capsys, PLAN, PROPOSALS)[1])


def _deep(tmp_path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(
        '{"type": "FeatureCollection", "features": [' + "[" * DEPTH + "]" * DEPTH + "]}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("role", ["plan", "proposals"])
def test_json_nested_100000_levels_deep_is_one_line(tmp_path, capsys, role):
    deep = _deep(tmp_path, f"{role}.json")
    code, out, err = _run(capsys, *((deep, PROPOSALS) if role == "plan" else (PLAN, deep)))
    assert code == 1 and out == ""
    assert err == (
        f"testlab plancheck: {deep}: JSON nested too deeply to read (more than about 1,000 "
        "levels of arrays or objects; a GeoJSON file needs fewer than 20)\n"
    )


def test_deep_nesting_inside_parsed_json_is_a_plan_error():
    # below the JSON parser's limit but deep enough to exhaust the reader's recursion
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["features"][1]["properties"]["bestammelsegeometri"] = nested
    with pytest.raises(PlanError, match="nested too deeply"):
        read_plan(plan)
    props = json.loads(PROPOSALS.read_text(encoding="utf-8"))
    props["features"][0]["geometry"] = {"type": "Polygon", "coordinates": nested}
    with pytest.raises(PlanError, match="nested too deeply"):
        read_proposals(props)


def test_upload_that_is_not_utf8_is_refused_not_mangled():
    raw = PROPOSALS.read_text(encoding="utf-8").replace("–", "-").encode("latin-1")
    with pytest.raises(PlanError) as info:
        read_proposals(raw)
    assert str(info.value).startswith("<upload>:42: not UTF-8: byte 0xF6")
