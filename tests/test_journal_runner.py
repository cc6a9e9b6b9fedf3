"""`testlab run` appends every run to the journal; a killed worker leaves it consistent."""

from __future__ import annotations

import json

import nbformat
import pytest

from kit.cli import main
from kit.journal.store import open_journal

pytestmark = pytest.mark.labs


def test_runs_are_appended_and_a_rerun_adds_rows(toy_project, capsys):
    assert main(["run", "toy", "-m", "umea", "-p", "n", "3", "-q"]) == 0
    assert main(["run", "toy", "-m", "umea", "-p", "n", "4", "-q"]) == 0
    with open_journal(toy_project / "build" / "runs", create=False) as j:
        runs = j.query(lab="toy")
    assert [(r.municipality, r.status, r.value("doubled")) for r in runs] == [
        ("umea", "ok", 6.0),
        ("umea", "ok", 8.0),
    ]
    assert runs[0].kpis["doubled"]["target"] == 4.0 and runs[0].git_revision


def test_a_killed_worker_leaves_the_journal_consistent_with_the_manifest(toy_project, capsys):
    nb = toy_project / "labs/toy/toy.ipynb"
    doc = nbformat.read(nb, as_version=4)
    doc.cells[2].source = (
        "import os, signal, kit\n"
        'kit.record("doubled", n * 2)\n'
        "if municipality == fail_in:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
    )
    nbformat.write(doc, nb)
    assert main(["run", "-p", "fail_in", "umea", "--jobs", "2", "-q"]) == 1
    out = toy_project / "build" / "runs"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    with open_journal(out, create=False) as j:
        assert j.integrity() == "ok"
        runs = j.query()
    got = sorted((r.municipality, r.status, bool(r.kpis)) for r in runs)
    want = sorted((e["parameters"]["municipality"], e["status"], bool(e["kpis"])) for e in manifest)
    assert got == want
    umea = next(r for r in runs if r.municipality == "umea")
    assert umea.status == "failed" and "worker process lost" in umea.error
