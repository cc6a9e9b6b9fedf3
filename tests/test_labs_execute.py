"""Every lab executes with Papermill for every bundled municipality, and records its KPIs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from kit.labs.folders import discover_labs
from kit.labs.runner import run_labs

pytestmark = pytest.mark.labs
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    summary = run_labs(jobs=2, out=out, progress=False)
    return summary, out


def test_every_lab_and_municipality_ran_ok(runs):
    summary, _ = runs
    labs = discover_labs(REPO / "labs")
    expected = {(lab.id, m) for lab in labs for m in ("alingsas", "linkoping", "umea")}
    got = {(r.lab, r.parameters["municipality"]) for r in summary.results}
    assert got == expected
    failed = [(r.lab, r.parameters, r.error) for r in summary.failed]
    assert failed == []


def test_each_run_recorded_the_kpis_its_lab_declares(runs):
    summary, out = runs
    labs = {lab.id: lab for lab in discover_labs(REPO / "labs")}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    assert len(manifest) == len(summary.results)
    for entry in manifest:
        declared = {k["name"] for k in labs[entry["lab"]].meta["kpis"]}
        assert declared <= set(entry["kpis"]), (entry["lab"], declared - set(entry["kpis"]))
        for kpi in entry["kpis"].values():
            assert kpi["value"] is None or isinstance(kpi["value"], int | float | str)


def test_reports_are_static_offline_and_without_code(runs):
    summary, _ = runs
    for r in summary.results:
        html = Path(r.report).read_text(encoding="utf-8")
        assert "import kit" not in html and ".show()" not in html
        assert not re.search(r"<script[^>]+src=[\"']https?:", html), r.report
        assert re.search(r"<img|<svg|<iframe", html), f"{r.report}: a report shows figures or maps"
        nb = nbformat.read(r.notebook, as_version=4)
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        stderr = [
            o
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("name") == "stderr" and "Warning" in o.get("text", "")
        ]
        assert errors == [] and stderr == [], r.notebook
