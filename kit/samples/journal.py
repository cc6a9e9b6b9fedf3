"""A sample results journal: the lead-times lab's KPIs per quarter of the bundled sample data.

So that the action-plan dashboard shows a trend before anyone has run the labs for a year,
this builds the history a team would have collected by running the lead-times lab once a
quarter on that quarter's applications (``-p period_start YYYY-MM -p period_end YYYY-MM``):
the same KPIs computed the same way (:func:`kit.process.leadtime.summarise` on the cases
received in the quarter), dated the first working day after the quarter. It is computed from
the bundled *synthetic* data, so it is synthetic too, and says so: every run has
``source = "sample"`` and git revision ``sample``, and the file's ``meta`` table holds
``synthetic = true``. Same data, same journal (no randomness).
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from kit.journal.store import Journal, Run

LAB = "lead-times"
SOURCE = "sample"
TARGET_SHARE = 95.0


def quarter_runs(municipality: str) -> list[Run]:
    """One sample run per full quarter of arrivals in the municipality's sample data."""
    import pandas as pd

    from kit.data.loaders import load_sample
    from kit.process.leadtime import case_metrics, summarise

    data = load_sample(municipality)
    per_case = case_metrics(data.events, data.cases)
    received = pd.to_datetime(per_case["received"])
    quarter = received.dt.to_period("Q")
    runs = []
    for q in sorted(quarter.dropna().unique()):
        s = summarise(per_case.loc[(quarter == q).to_numpy()])
        start, end = q.start_time.date(), q.end_time.date()
        run_day = end + timedelta(days=1)
        while run_day.weekday() >= 5 or (run_day.month, run_day.day) == (1, 1):
            run_day += timedelta(days=1)
        share, coa, fee = (
            s["share_within_limit"],
            s["share_complete_on_arrival"],
            s["fee_reduction_sek"],
        )
        kpis = {
            "median_days": (s["median_days"], "dagar", None, "lower"),
            "share_within_limit": (
                None if share is None else round(100 * share, 2),
                "%",
                TARGET_SHARE,
                "higher",
            ),
            "fee_reduction_sek": (None if fee is None else round(fee, 2), "kr", None, "lower"),
            "share_complete_on_arrival": (
                None if coa is None else round(100 * coa, 2),
                "%",
                None,
                "higher",
            ),
            "n_cases": (s["n_cases"], "ärenden", None, None),
        }
        runs.append(
            Run(
                lab=LAB,
                parameters={
                    "municipality": municipality,
                    "period_start": f"{start:%Y-%m}",
                    "period_end": f"{end:%Y-%m}",
                },
                started=f"{run_day.isoformat()}T07:00:00+00:00",
                municipality=municipality,
                status="ok",
                git_revision="sample",
                duration_s=0.0,
                source=SOURCE,
                kpis={
                    k: {"name": k, "value": v, "unit": u, "target": t, "direction": d}
                    for k, (v, u, t, d) in kpis.items()
                },
            )
        )
    return runs


def write_sample_journal(path: str | Path, municipalities: list[str] | None = None) -> Path:
    """Write the sample journal to ``path`` (replacing a sample journal there), atomically."""
    from kit.config import MUNICIPALITIES

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    runs = [r for m in municipalities or list(MUNICIPALITIES) for r in quarter_runs(m)]
    fd, tmp = tempfile.mkstemp(prefix=".sample-journal-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        with Journal(tmp) as j:
            j.append(runs)
            j._db.execute("BEGIN IMMEDIATE")
            j._db.execute("INSERT INTO meta VALUES ('synthetic', 'true')")
            j._db.execute(
                "INSERT INTO meta VALUES ('note', 'Sample history computed from the bundled "
                "synthetic data by kit.samples.journal; not real runs.')"
            )
            j._db.execute("COMMIT")
            j._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(tmp, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(tmp + suffix).unlink(missing_ok=True)
    return path


def sample_journal(folder: str | Path | None = None) -> Path:
    """The sample journal file under ``<build>/sample-journal/``, written on first use and
    again when the bundled sample data is newer than it."""
    from kit.config import MUNICIPALITIES, build_dir, datasets_dir

    path = Path(folder or build_dir() / "sample-journal") / "journal.sqlite"
    sources = [
        datasets_dir() / m / name for m in MUNICIPALITIES for name in ("events.csv", "cases.csv")
    ]
    newest = max((f.stat().st_mtime for f in sources if f.exists()), default=0.0)
    if not path.exists() or path.stat().st_mtime < newest:  # missing, or the data was regenerated
        write_sample_journal(path)
    return path
