"""The sample journal is reproducible, says it is synthetic, and matches what the lab records."""

from __future__ import annotations

import sqlite3

from kit.journal.store import open_journal
from kit.samples.journal import write_sample_journal


def test_sample_journal_is_reproducible_synthetic_and_matches_a_lead_times_run(tmp_path):
    a = write_sample_journal(tmp_path / "a" / "journal.sqlite", ["alingsas"])
    b = write_sample_journal(tmp_path / "b" / "journal.sqlite", ["alingsas"])
    with open_journal(a, create=False) as ja, open_journal(b, create=False) as jb:
        ra, rb = ja.query(), jb.query()
    strip = lambda runs: [(r.started, r.parameters, r.kpis, r.source) for r in runs]  # noqa: E731
    assert strip(ra) == strip(rb) and len(ra) == 8  # 2023Q1 … 2024Q4
    assert {r.source for r in ra} == {"sample"} and {r.git_revision for r in ra} == {"sample"}
    db = sqlite3.connect(a)
    assert dict(db.execute("SELECT key, value FROM meta"))["synthetic"] == "true"
    db.close()
    # the last quarter's KPIs are what the lead-times lab records for that period
    from kit.present.views.leadtimes import LeadTimeDashboard
    from kit.process.leadtime import summarise

    last = ra[-1]
    assert last.parameters == {
        "municipality": "alingsas",
        "period_start": "2024-10",
        "period_end": "2024-12",
    }
    dash = LeadTimeDashboard("alingsas", period_start="2024-10", period_end="2024-12")
    s = summarise(dash.selection())
    assert last.value("median_days") == s["median_days"]
    assert last.value("share_within_limit") == round(100 * s["share_within_limit"], 2)
    assert last.value("n_cases") == s["n_cases"]
    assert last.started == "2025-01-02T07:00:00+00:00"  # first working day after the quarter
