"""Benchmark: every lead-time KPI of the lab on 100,000 cases (~1,000,000 events) vs PM4Py.

Goals: the kit computes all the lab's KPIs (``prepare`` once, ``case_metrics``, ``summarise``,
``variants``, ``directly_follows``, ``bottlenecks``, ``monthly_trend``, ``work_in_progress``)
in at most 2 s, and at least 3× faster than PM4Py's case durations
(``pm4py.get_all_case_durations``) plus performance DFG (``pm4py.discover_performance_dfg``)
on the same frame. The like-for-like pair (kit ``case_durations`` + ``directly_follows``) is
shown too, and both answers are cross-checked. Each figure is the best of ``--repeat`` runs,
interleaved. A second table times each kit step alone (not part of the comparison). The log
comes from :func:`kit.samples.permits.synthesise` (seeded); timestamps are parsed once, before timing,
for both sides.

Run: ``.venv-bench/bin/python benchmarks/bench_leadtime.py [--cases N] [--repeat R]``
(PM4Py, AGPL, is installed only in ``.venv-bench``; without it the kit side runs alone).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import write_result

GOAL_SECONDS = 2.0
GOAL_RATIO = 3.0


def make_log(n_cases: int, seed: int = 2030) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic Umeå-like permit log with timezone-aware timestamps (parsing not timed)."""
    from kit.samples.permits import synthesise

    events, cases = synthesise("umea", seed=seed, cases=n_cases, years=range(2019, 2024))
    ts = pd.to_datetime(events["timestamp"], format="ISO8601")
    events["timestamp"] = ts.dt.tz_localize(
        "Europe/Stockholm", ambiguous="NaT", nonexistent="shift_forward"
    )
    events = events[events["timestamp"].notna()].reset_index(drop=True)
    return events, cases


def kit_all(events: pd.DataFrame, cases: pd.DataFrame) -> dict:
    from kit.process import eventlog, mining, trends
    from kit.process.leadtime import case_metrics, summarise

    log = eventlog.prepare(events)
    per_case = case_metrics(log, cases, as_of="2024-04-01")
    dfg = mining.directly_follows(log)
    return {
        "summary": summarise(per_case),
        "variants": mining.variants(log, top=10),
        "dfg": dfg,
        "bottlenecks": mining.bottlenecks(dfg),
        "trend": trends.monthly_trend(per_case),
        "wip": trends.work_in_progress(per_case),
    }


def kit_steps(events: pd.DataFrame, cases: pd.DataFrame) -> dict[str, float]:
    """Seconds of each step of :func:`kit_all` (same calls), to show where the time goes."""
    from kit.process import eventlog, mining, trends
    from kit.process.leadtime import case_metrics, summarise

    out: dict[str, float] = {}

    def step(name, fn):
        t0 = time.perf_counter()
        result = fn()
        out[name] = time.perf_counter() - t0
        return result

    log = step("prepare (factorise, order)", lambda: eventlog.prepare(events))
    per_case = step(
        "case_metrics (PBL limits)", lambda: case_metrics(log, cases, as_of="2024-04-01")
    )
    dfg = step("directly_follows", lambda: mining.directly_follows(log))
    step("summarise", lambda: summarise(per_case))
    step("variants (top 10)", lambda: mining.variants(log, top=10))
    step("bottlenecks", lambda: mining.bottlenecks(dfg))
    step("monthly_trend", lambda: trends.monthly_trend(per_case))
    step("work_in_progress", lambda: trends.work_in_progress(per_case))
    return out


def kit_same(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    from kit.process import eventlog, mining

    log = eventlog.prepare(events)
    return mining.case_durations(log), mining.directly_follows(log)


def pm4py_pair(events: pd.DataFrame):
    import pm4py

    keys = {"activity_key": "activity", "case_id_key": "case_id", "timestamp_key": "timestamp"}
    durations = pm4py.get_all_case_durations(events, **keys)
    dfg, _, _ = pm4py.discover_performance_dfg(events, **keys)
    return durations, dfg


def cross_check(same: tuple[pd.DataFrame, pd.DataFrame], peer) -> str:
    """Do the kit and PM4Py agree on durations (multiset, seconds) and DFG medians?"""
    durations, dfg = same
    p_dur, p_dfg = peer
    ours = np.sort(np.round(durations["duration_days"].to_numpy() * 86400))
    theirs = np.sort(np.round(np.asarray(p_dur, dtype=float)))
    dur_ok = len(ours) == len(theirs) and np.allclose(ours, theirs, atol=1)
    mine = {
        (s, t): m * 86400
        for s, t, m in dfg[["source", "target", "median_wait_days"]].itertuples(index=False)
    }
    edges_ok = set(mine) == set(p_dfg)
    med_ok = edges_ok and all(abs(mine[k] - p_dfg[k]["median"]) <= 1 for k in mine)
    return (
        "yes"
        if dur_ok and edges_ok and med_ok
        else f"NO (durations {dur_ok}, edges {edges_ok}, medians {med_ok})"
    )


_PM4PY_SIDE = """
import sys, warnings
warnings.filterwarnings("ignore")
import pm4py
path = sys.argv[1]
if path.endswith(".csv"):
    import pandas as pd
    df = pm4py.format_dataframe(pd.read_csv(path), case_id="case_id", activity_key="activity",
                                timestamp_key="timestamp")
    durations = pm4py.get_all_case_durations(df)
else:
    durations = pm4py.get_all_case_durations(pm4py.read_xes(path, show_progress_bar=False))
print(len(durations))
"""


def _testlab() -> list[str]:
    """The console script next to this interpreter (what a user runs), else ``-m kit.cli``."""
    from pathlib import Path

    script = Path(sys.executable).with_name("testlab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kit.cli"]


def _process(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process: start-up, imports, work, exit."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def whole_process(repeat: int) -> tuple[list[str], list[dict[str, str]]]:
    """`testlab leadtime FILE` against a PM4Py script that reads FILE and computes the case
    durations, each a fresh process, interleaved; on the XES log of bench_xes (8,000 traces)
    and on Linköping's sample CSV."""
    import os

    from bench_xes import make_log

    from kit.config import build_dir, datasets_dir

    xes = build_dir() / "bench" / "log_8000.xes"
    if not xes.exists():
        xes.parent.mkdir(parents=True, exist_ok=True)
        make_log(xes, 8_000)
    csv = datasets_dir() / "linkoping" / "events.csv"
    pairs = {
        "XES, 8,000 traces / 80,453 events": (
            [*_testlab(), "leadtime", str(xes)],
            [sys.executable, "-c", _PM4PY_SIDE, str(xes)],
        ),
        "CSV, Linköping sample (4,350 cases / 37,217 events)": (
            [*_testlab(), "leadtime", str(csv)],
            [sys.executable, "-c", _PM4PY_SIDE, str(csv)],
        ),
    }
    load0 = os.getloadavg()[0]
    got: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for label, (ours, peer) in pairs.items():
        _process(ours), _process(peer)  # warm-up: page cache, .pyc files
        runs = got.setdefault(label, {"kit": [], "peer": []})
        for _ in range(repeat):
            runs["kit"].append(_process(ours))
            runs["peer"].append(_process(peer))
    load1 = os.getloadavg()[0]
    lines = [
        "",
        "Whole process: `testlab leadtime FILE` (read, validate, pseudonymise, PBL time limits, "
        "all KPIs, printed report) against a PM4Py script doing only `read_xes` (or pandas "
        "`read_csv` + `format_dataframe`) and `get_all_case_durations`, each a fresh process "
        f"(start-up and imports included), interleaved, best of {repeat}. CPU = user + system "
        f"of the process. Load average {load0:.1f} → {load1:.1f} on {os.cpu_count()} cores.",
        "",
        "| log | `testlab leadtime` wall / CPU | PM4Py read + durations wall / CPU | ratio wall / CPU |",
        "|---|---|---|---|",
    ]
    rows = []
    for label, runs in got.items():
        kw, kc = min(w for w, _ in runs["kit"]), min(c for _, c in runs["kit"])
        pw, pc = min(w for w, _ in runs["peer"]), min(c for _, c in runs["peer"])
        lines.append(
            f"| {label} | {kw:.2f} / {kc:.2f} s | {pw:.2f} / {pc:.2f} s | "
            f"{pw / kw:.1f}× / {pc / kc:.1f}× |"
        )
        rows.append(
            {
                "comparison": f"`testlab leadtime` whole process, {label}",
                "measured": f"{kw:.2f} s vs {pw:.2f} s wall ({pw / kw:.1f}×), CPU {pc / kc:.1f}×"
                f" (load {load0:.1f})",
                "against": "PM4Py read + case durations, whole process",
                "goal": "≥ 5× (XES)" if label.startswith("XES") else "",
            }
        )
    return lines, rows


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    events, cases = make_log(args.cases)
    gen_s = time.perf_counter() - t0
    try:
        import pm4py  # noqa: F401

        have_peer = True
    except ImportError:
        have_peer = False
    warnings.filterwarnings("ignore")

    kit_all(events.head(1000), cases)  # warm-up: imports, holiday tables
    t_all, t_same, t_peer = [], [], []
    same = peer = result = None
    for _ in range(args.repeat):  # interleaved, so load from other processes hits both sides
        s, result = best(lambda: kit_all(events, cases), 1)
        t_all.append(s)
        s, same = best(lambda: kit_same(events), 1)
        t_same.append(s)
        if have_peer:
            s, peer = best(lambda: pm4py_pair(events), 1)
            t_peer.append(s)
    steps: dict[str, float] = {}
    for _ in range(args.repeat):  # the breakdown, timed apart from the comparison above
        for name, sec in kit_steps(events, cases).items():
            steps[name] = min(sec, steps.get(name, sec))
    k_all, k_same = min(t_all), min(t_same)
    lines = [
        f"{len(cases):,} cases, {len(events):,} events (kit.samples.permits, Umeå profile 2019–2023; "
        f"generated in {gen_s:.1f} s, not timed). Best of {args.repeat} interleaved runs.",
        "",
        "| what | seconds | vs PM4Py |",
        "|---|---:|---:|",
    ]
    p = min(t_peer) if t_peer else None
    ratio = (lambda k: f"{p / k:.1f}× faster") if p else (lambda k: "n/a")
    lines.append(
        f"| kit: all lab KPIs (prepare, case_metrics, summarise, variants, DFG, bottlenecks, trend, WIP) | {k_all:.2f} | {ratio(k_all)} |"
    )
    lines.append(
        f"| kit: case durations + DFG with waits (like for like) | {k_same:.2f} | {ratio(k_same)} |"
    )
    if p:
        lines.append(
            f"| PM4Py {sys.modules['pm4py'].__version__}: get_all_case_durations + discover_performance_dfg | {p:.2f} | 1.0× |"
        )
    lines.append("")
    lines.append(
        f"- Goal ≤ {GOAL_SECONDS:.0f} s for all KPIs: **{'met' if k_all <= GOAL_SECONDS else 'NOT met'}** ({k_all:.2f} s)."
    )
    if p:
        verdict = "met" if p / k_all >= GOAL_RATIO else "NOT met"
        lines.append(
            f"- Goal ≥ {GOAL_RATIO:.0f}× faster than PM4Py (all KPIs vs its pair): **{verdict}** ({p / k_all:.1f}×)."
        )
        lines.append(
            f"- Kit and PM4Py agree on case durations and DFG median waits: {cross_check(same, peer)}."
        )
    else:
        lines.append("- PM4Py not installed here (run in .venv-bench for the comparison).")
    lines += ["", "Where the kit's time goes (each step timed alone, best of the runs):", ""]
    lines += ["| step | ms |", "|---|---:|"]
    lines += [f"| {name} | {1000 * sec:.0f} |" for name, sec in steps.items()]
    lines.append("")
    s = result["summary"]
    lines.append(
        f"- Figures: median {s['median_days']:.0f} d, within limit {100 * s['share_within_limit']:.1f} %, "
        f"complete on arrival {100 * s['share_complete_on_arrival']:.1f} %."
    )
    rows = [
        {
            "comparison": f"all lead-time KPIs on {len(cases):,} cases",
            "measured": f"{k_all:.2f} s" + (f" ({p / k_all:.1f}× PM4Py)" if p else ""),
            "against": "PM4Py case durations + performance DFG" if p else "PM4Py not installed",
            "goal": f"≤ {GOAL_SECONDS:.0f} s, ≥ {GOAL_RATIO:.0f}× PM4Py",
        }
    ]
    if have_peer:
        more_lines, more_rows = whole_process(max(args.repeat, 5))
        lines += more_lines
        rows += more_rows
    write_result("leadtime", "Lead times: all KPIs on 100,000 cases vs PM4Py", lines, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
