"""The results journal at scale: 100,000 runs × 10 KPIs.

Goals (issue 12): `testlab history --lab L --kpi K` ≤ 0.5 s (the whole command, from process
start); the action-plan dashboard's first render ≤ 1 s on that journal. The journal is built
once (not timed beyond the figure reported); every timing is the median of several runs.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from _common import OUT, REPO, write_result

N_RUNS = 100_000
LABS = ("lead-times", "future-process", "innovation-capability", "plan-check", "action-plan")
MUNICIPALITIES = ("alingsas", "linkoping", "umea")
KPIS = (
    "share_within_limit",
    "median_days",
    "fee_reduction_sek",
    "share_complete_on_arrival",
    "n_cases",
    "best_reduction_pct",
    "overall_change",
    "k8",
    "k9",
    "k10",
)
ROUNDS = 5


def build(folder) -> tuple[float, int]:
    sys.path.insert(0, str(REPO))
    from kit.journal.store import Run, open_journal

    path = folder / "journal.sqlite"
    if path.exists():
        path.unlink()
    rng = random.Random(12)
    t0 = time.perf_counter()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with open_journal(folder) as j:
        batch = []
        for i in range(N_RUNS):
            batch.append(
                Run(
                    lab=LABS[i % len(LABS)],
                    parameters={"municipality": MUNICIPALITIES[(i // len(LABS)) % 3], "i": i},
                    started=(start + timedelta(minutes=10 * i)).isoformat(),
                    git_revision="bench",
                    duration_s=1.0,
                    kpis={k: {"value": rng.uniform(0, 100), "unit": "%"} for k in KPIS},
                )
            )
            if len(batch) == 10_000:
                j.append(batch)
                batch = []
        if batch:
            j.append(batch)
    return time.perf_counter() - t0, path.stat().st_size


def history(folder, *extra: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "kit.cli", "history", "--out", str(folder), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    elapsed = time.perf_counter() - t0
    assert proc.stdout, "no output"
    return elapsed


_RENDER = """
import sys, time
t0 = time.perf_counter()
from kit.present.views.actionplan import ActionPlanDashboard
import matplotlib.figure, folium  # what a kernel serving dashboards has loaded
t1 = time.perf_counter()
d = ActionPlanDashboard("linkoping", "sv", journal=sys.argv[1], sample_history=False,
                        today="2026-12-01")
html = d.render_html()
t2 = time.perf_counter()
d.municipality = "umea"
d.render_html()
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, len(html))
"""


def render(folder) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _RENDER, str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def main() -> None:
    folder = OUT / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    built, size = build(folder)
    n_lab = N_RUNS // len(LABS)
    h = [history(folder, "--lab", "lead-times", "--kpi", "median_days") for _ in range(ROUNDS)]
    hj = [
        history(folder, "--lab", "lead-times", "--kpi", "median_days", "--json")
        for _ in range(ROUNDS)
    ]
    hm = [
        history(folder, "--lab", "lead-times", "--kpi", "median_days", "-m", "umea", "--last", "10")
        for _ in range(ROUNDS)
    ]
    r = [render(folder) for _ in range(3)]
    imports = statistics.median(x[0] for x in r)
    first = statistics.median(x[1] for x in r)
    switch = statistics.median(x[2] for x in r)
    hist = statistics.median(h)
    lines = [
        f"Journal of {N_RUNS:,} runs × {len(KPIS)} KPIs ({len(LABS)} labs × 3 municipalities; "
        f"{size / 1e6:.0f} MB), built in {built:.1f} s (10,000 runs per transaction). "
        f"Median of {ROUNDS} runs of the whole command (new process each time); the dashboard "
        "median of 3 fresh processes.",
        "",
        "| measure | seconds | goal |",
        "|---|---:|---|",
        f"| `testlab history --lab lead-times --kpi median_days` ({n_lab:,} runs listed) | "
        f"{hist:.2f} | ≤ 0.5 s: {'met' if hist <= 0.5 else 'NOT met'} |",
        f"| same with `--json` | {statistics.median(hj):.2f} | |",
        f"| same with `-m umea --last 10` | {statistics.median(hm):.2f} | |",
        f"| action-plan dashboard, first render (Linköping, 5 goals, ~{n_lab // 3:,} runs per "
        f"series, map and report) | {first:.2f} | ≤ 1 s: {'met' if first <= 1 else 'NOT met'} |",
        f"| … imports before it (view, matplotlib, folium; paid once per kernel) | {imports:.2f} | |",
        f"| … switching to Umeå (first render of its plan) | {switch:.2f} | |",
    ]
    write_result("journal", "Results journal: 100,000 runs × 10 KPIs", lines)


if __name__ == "__main__":
    main()
