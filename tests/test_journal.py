"""The results journal: append and query, concurrent writers, a killed writer, refusals, import."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.errors import DataError, UsageError
from kit.journal.store import APPLICATION_ID, SCHEMA_VERSION, Journal, Run, open_journal

REPO = Path(__file__).resolve().parent.parent


def _run(lab="lead-times", m="umea", started="2025-01-01T10:00:00+00:00", **kpis):
    return Run(
        lab=lab,
        parameters={"municipality": m, "lang": "sv"},
        started=started,
        kpis={
            k: {"value": v, "unit": "%", "target": None, "direction": "higher"}
            for k, v in kpis.items()
        },
    )


def test_append_and_query_by_lab_kpi_municipality_and_date(tmp_path):
    with open_journal(tmp_path) as j:
        j.append(_run(started="2025-01-01T10:00:00Z", share_within_limit=90.0, median_days=50))
        j.append(_run(m="alingsas", started="2025-02-01T10:00:00Z", share_within_limit=80.0))
        j.append(_run(lab="plan-check", started="2025-03-01T10:00:00Z", n_checked=12))
        j.append(_run(started="2025-04-01", share_within_limit=93.5, median_days="n/a"))
        assert j.count() == 4
        assert [r.lab for r in j.query()] == [
            "lead-times",
            "lead-times",
            "plan-check",
            "lead-times",
        ]
        umea = j.query(lab="lead-times", municipality="umea")
        assert [r.value("share_within_limit") for r in umea] == [90.0, 93.5]
        assert umea[1].value("median_days") == "n/a"  # text values survive as text
        only = j.query(kpi="median_days")
        assert [set(r.kpis) for r in only] == [{"median_days"}, {"median_days"}]
        assert [r.started for r in j.query(since="2025-02-15")] == [
            "2025-03-01T10:00:00+00:00",
            "2025-04-01T00:00:00+00:00",
        ]
        assert [r.municipality for r in j.query(latest=2)] == ["umea", "umea"]
        latest = j.latest_values([("lead-times", "share_within_limit")], ["umea", "linkoping"])
        assert latest == {
            ("lead-times", "share_within_limit", "umea"): (93.5, "2025-04-01T00:00:00+00:00", "run")
        }


def test_the_file_is_wal_versioned_and_append_only(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as j:
        j.append(_run(share_within_limit=1.0))
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE kpis SET value = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM runs")
    db.close()


def test_a_file_that_is_not_a_journal_is_refused_and_left_untouched(tmp_path):
    text = tmp_path / "journal.sqlite"
    text.write_text("hello, not a database\n" * 100, encoding="utf-8")
    before = text.read_bytes()
    with pytest.raises(DataError, match="not a results journal"):
        Journal(text)
    assert text.read_bytes() == before

    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = other.read_bytes()
    with pytest.raises(DataError, match="something else"):
        Journal(other)
    assert other.read_bytes() == before
    assert not Path(str(other) + "-wal").exists()


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as j:
        j.append(_run(x=1))
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(DataError, match=f"version {SCHEMA_VERSION + 1} is newer"):
        Journal(path)
    assert path.read_bytes() == before


def test_a_missing_journal_is_not_created_when_only_reading(tmp_path):
    with pytest.raises(UsageError, match="no journal here"):
        open_journal(tmp_path, create=False)
    assert list(tmp_path.iterdir()) == []


_WRITER = """
import sys
from kit.journal.store import Run, open_journal
folder, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_journal(folder) as j:
    i = 0
    while n < 0 or i < n:
        j.append(Run(lab="lab-" + tag, parameters={"i": i}, started="2025-01-01T00:00:00Z",
                     kpis={f"k{k}": {"value": k} for k in range(5)}))
        i += 1
"""


def test_two_processes_writing_at_once_lose_no_row(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), tag, "150"], env=env)
        for tag in ("a", "b")
    ]  # both start on a folder without a journal: both try to create it
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with open_journal(tmp_path) as j:
        assert j.integrity() == "ok"
        assert len(j.query(lab="lab-a")) == 150 and len(j.query(lab="lab-b")) == 150
        assert j._db.execute("SELECT count(*) FROM kpis").fetchone()[0] == 300 * 5


def test_a_writer_killed_mid_way_leaves_whole_runs_only(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), "k", "-1"], env=env)
    path = tmp_path / "journal.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if path.exists():
            try:
                with Journal(path) as j:
                    if j.count() >= 50:
                        break
            except (DataError, sqlite3.OperationalError):
                pass  # still being created
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with open_journal(tmp_path) as j:
        assert j.integrity() == "ok"
        runs = j.query()
        assert len(runs) >= 50
        assert all(len(r.kpis) == 5 for r in runs)  # never a run without its KPIs
        assert [r.parameters["i"] for r in runs] == list(range(len(runs)))
        j.append(_run(x=1))  # and the journal takes new runs
        assert j.count() == len(runs) + 1


def test_earlier_manifests_are_imported_once(tmp_path):
    manifest = tmp_path / "manifest.json"
    entries = [
        {
            "lab": "lead-times",
            "parameters": {"municipality": m},
            "status": "ok",
            "started": "2024-05-01T08:00:00+00:00",
            "duration_s": 3.5,
            "git_revision": "abc",
            "notebook": "x.ipynb",
            "report": "x.html",
            "kpis": {"median_days": {"name": "median_days", "value": 40.0, "unit": "dagar"}},
            "error": None,
        }
        for m in ("umea", "alingsas")
    ]
    manifest.write_text(json.dumps({"generated": "x", "runs": entries}), encoding="utf-8")
    with open_journal(tmp_path / "out") as j:
        assert j.import_manifest(manifest) == 2
        assert j.import_manifest(manifest) == 0  # the same runs are not added twice
        runs = j.query()
        assert [(r.municipality, r.value("median_days"), r.source) for r in runs] == [
            ("umea", 40.0, "manifest"),
            ("alingsas", 40.0, "manifest"),
        ]
    bad = tmp_path / "bad.json"
    bad.write_text('{"runs": [{"parameters": {}}]}', encoding="utf-8")
    with open_journal(tmp_path / "out") as j, pytest.raises(DataError, match="bad.json: run 1"):
        j.import_manifest(bad)
