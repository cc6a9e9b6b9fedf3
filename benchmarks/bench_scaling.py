"""Benchmark: how the cost grows with the log: lead times and simulation at 10k, 100k and 1M cases.

For each size a synthetic permit log (:func:`kit.samples.permits.synthesise`, Umeå's profile
over 2019–2023, scaled to the number of cases) is generated once and kept as Parquet in
``build/bench/scaling/`` (generation is not timed). Then each measurement runs in a process of
its own, so its peak memory (``ru_maxrss``) is its own:

* **lead times**: every KPI of the lead-time lab, as in ``bench_leadtime.py`` (``prepare``,
  ``case_metrics``, ``summarise``, ``variants``, ``directly_follows``, ``bottlenecks``,
  ``monthly_trend``, ``work_in_progress``);
* **simulation**: discovery of the model (:func:`kit.process.simulation.discovery.discover`)
  plus one replication of the log's whole period (as many simulated cases as the log has),
  with its PBL lead-time metrics (:func:`kit.process.simulation.results.measure`).

Reported per size: wall time, CPU time (user + system of the process), peak memory of the
process (the log in memory included; the memory held just after reading the log is shown
beside it), and time and memory **per case**, so a reader sees whether the cost is linear:
a flat per-case column means linear growth.

Run: ``.venv/bin/python benchmarks/bench_scaling.py [--sizes 10000,100000,1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _common import OUT, REPO, write_result

SIZES = (10_000, 100_000, 1_000_000)
FOLDER = OUT / "scaling"

_GENERATE = """
import sys
import pandas as pd
from kit.samples.permits import synthesise
n, events_path, cases_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
events, cases = synthesise("umea", seed=2030, cases=n, years=range(2019, 2024))
ts = pd.to_datetime(events["timestamp"], format="ISO8601")
events["timestamp"] = ts.dt.tz_localize("Europe/Stockholm", ambiguous="NaT",
                                        nonexistent="shift_forward")
events = events[events["timestamp"].notna()].reset_index(drop=True)
events.to_parquet(events_path, index=False)
cases.to_parquet(cases_path, index=False)
"""

# one measurement in a fresh process; prints one JSON line
_MEASURE = """
import json, resource, sys, time
import pandas as pd
what, events_path, cases_path = sys.argv[1], sys.argv[2], sys.argv[3]

def rss_mb():  # resident memory now (Linux)
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

import pyarrow.parquet  # noqa: F401 (the reader's import is not the log's memory)
base = rss_mb()
events = pd.read_parquet(events_path)
cases = pd.read_parquet(cases_path)
if what == "leadtime":
    from kit.process import eventlog, mining, trends
    from kit.process.leadtime import case_metrics, summarise
    def kpis(events, cases):
        log = eventlog.prepare(events)
        per_case = case_metrics(log, cases, as_of="2024-04-01")
        dfg = mining.directly_follows(log)
        summarise(per_case); mining.variants(log, top=10); mining.bottlenecks(dfg)
        trends.monthly_trend(per_case); trends.work_in_progress(per_case)
        return {"median_days": float(summarise(per_case)["median_days"])}
    kpis(events.head(2000), cases)  # warm-up: holiday tables, first-call caches
    work = lambda: kpis(events, cases)
    repeat = 3  # seconds: a fraction of the log's generation; best of 3 as in bench_leadtime
else:
    repeat = 1  # one replication of the whole log is the measure itself
if what != "leadtime":
    import scipy.stats  # import cost paid before timing, as in bench_simulation
    from kit.process.simulation.discovery import discover
    from kit.process.simulation.results import measure
    events["timestamp"] = events["timestamp"].dt.tz_localize(None)  # as bench_simulation
    steps = {}
    def work():
        t0, c0 = time.perf_counter(), time.process_time()
        model = discover(events, cases)
        steps["discovery_s"] = time.perf_counter() - t0
        steps["discovery_cpu_s"] = time.process_time() - c0
        t1, c1 = time.perf_counter(), time.process_time()
        m = measure(model, model.first_day, model.last_day + 1, 1)
        steps["replication_s"] = time.perf_counter() - t1
        steps["replication_cpu_s"] = time.process_time() - c1
        steps["simulated_cases"] = m["n_cases"]
        steps["simulated_events"] = m["n_events"]
        return steps
held = rss_mb()
wall = cpu = float("inf")
first_cpu = None
for _ in range(repeat):
    t0, c0 = time.perf_counter(), time.process_time()
    extra = work()
    wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    first_cpu = time.process_time() - c0 if first_cpu is None else first_cpu
extra["first_cpu_s"] = first_cpu
extra["repeat"] = repeat
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cases": int(cases["case_id"].nunique()), "events": len(events),
                  "wall_s": wall, "cpu_s": cpu, "base_mb": base, "held_mb": held, "peak_mb": peak,
                  **extra}))
"""


def _paths(n: int):
    return FOLDER / f"events_{n}.parquet", FOLDER / f"cases_{n}.parquet"


def generate(n: int) -> float:
    events, cases = _paths(n)
    if events.exists() and cases.exists():
        return 0.0
    FOLDER.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", _GENERATE, str(n), str(events), str(cases)], cwd=REPO, check=True
    )
    return time.perf_counter() - t0


def measure(what: str, n: int) -> dict:
    events, cases = _paths(n)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, what, str(events), str(cases)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _per_case(value: float, n: int, unit: float) -> str:
    return f"{value / n * unit:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    t_start = time.perf_counter()
    load0 = os.getloadavg()[0]
    generated = {n: generate(n) for n in sizes}
    results: dict[str, dict[int, dict]] = {"leadtime": {}, "simulation": {}}
    for n in sizes:
        for what in results:
            results[what][n] = measure(what, n)
            print(what, n, results[what][n], flush=True)
    load1 = os.getloadavg()[0]
    total = time.perf_counter() - t_start

    lines = [
        "Synthetic logs (Umeå's profile, 2019–2023, scaled; "
        + ", ".join(
            f"{n:,} cases generated in {s:.0f} s" if s else f"{n:,} cases reused"
            for n, s in generated.items()
        )
        + "; not timed). Each row is one fresh process; peak memory is the process's "
        '`ru_maxrss`; "base" is the resident memory before reading the log (interpreter, '
        'pandas, the kit), "held" right after reading it. Per case: µs of wall and CPU '
        "time, and kB of peak memory above the base (the log itself included). "
        f"Load average {load0:.1f} → {load1:.1f} on {os.cpu_count()} cores; the whole "
        f"benchmark took {total:.0f} s.",
        "",
        "| work | cases | events | wall s | CPU s | base / held / peak MB | wall µs per case "
        "| CPU µs per case | peak − base, kB per case |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = []
    for what, label in (
        ("leadtime", "lead times: all lab KPIs"),
        ("simulation", "simulation: discovery + 1 replication"),
    ):
        per = []
        for n in sizes:
            r = results[what][n]
            if "error" in r:
                lines.append(f"| {label} | {n:,} | – | failed: {r['error']} | | | | | |")
                continue
            c = r["cases"]
            above = r["peak_mb"] - r["base_mb"]  # the log and the work, not the interpreter
            per.append((c, r["cpu_s"] / c * 1e6, above / c * 1024, r["wall_s"]))
            lines.append(
                f"| {label} | {c:,} | {r['events']:,} | {r['wall_s']:.2f} | {r['cpu_s']:.2f}"
                + (f" (first run {r['first_cpu_s']:.2f})" if r.get("repeat", 1) > 1 else "")
                + " | "
                f"{r['base_mb']:,.0f} / {r['held_mb']:,.0f} / {r['peak_mb']:,.0f} | "
                f"{_per_case(r['wall_s'], c, 1e6)} | {_per_case(r['cpu_s'], c, 1e6)} | "
                f"{_per_case(above, c, 1024)} |"
            )
            if what == "simulation":
                lines[-1] = lines[-1][:-2] + (
                    f" |\n|   … of which discovery | | | {r['discovery_s']:.2f} | "
                    f"{r['discovery_cpu_s']:.2f} | | | "
                    f"{_per_case(r['discovery_cpu_s'], c, 1e6)} (CPU) | |\n"
                    f"|   … one replication ({r['simulated_cases']:,} simulated cases, "
                    f"{r['simulated_events']:,} events) | | | {r['replication_s']:.2f} | "
                    f"{r['replication_cpu_s']:.2f} | | | "
                    f"{_per_case(r['replication_cpu_s'], c, 1e6)} (CPU) | |"
                )
        if len(per) >= 2:
            (c0, t0, m0, _w0), (c1, t1, m1, w1) = per[0], per[-1]
            # linear from the middle size on (the smallest carries fixed costs)
            cm, tm = (per[-2] if len(per) > 2 else per[0])[:2]
            growth = t1 / tm
            verdict = "linear" if growth <= 1.3 else f"NOT linear: {growth:.1f}× per case"
            rows.append(
                {
                    "comparison": f"{label}: cost per case, {c0:,} → {cm:,} → {c1:,} cases",
                    "measured": f"CPU {t0:.1f} → {tm:.1f} → {t1:.1f} µs/case ({verdict} "
                    f"from {cm:,}), peak memory {m0:.1f} → {m1:.1f} kB/case; {c1:,} cases "
                    f"{w1:.1f} s wall (load {load0:.1f})",
                    "against": f"{c0:,} cases",
                    "goal": "linear: per-case cost flat",
                }
            )
    lines += [
        "",
        "A per-case column that stays flat from 10k to 1M cases means the cost grows linearly; "
        "at 10k cases fixed costs (imports are excluded, but warm-up of caches and small "
        "arrays are not) make the per-case figures look higher. Lead times: best of 3 runs in "
        "the process (the first run's CPU, with the page faults of fresh memory, beside it); "
        "simulation: one run.",
    ]
    write_result("scaling", "How the cost grows: 10k, 100k and 1M cases", lines, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
