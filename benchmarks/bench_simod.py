"""Benchmark: Simod (the peer) and the kit side by side on the same training log.

Issue #10: discover a simulation model from the earlier 70 % of a municipality's cases (by
arrival), simulate the later period and compare the simulated lead times with the held-out
cases — for both tools, with the same measures:

* received → decision (days, decided cases): relative error of the median and the 90th
  percentile, Wasserstein distance (the kit's validation measures);
* the cycle-time distribution distance of the ``log-distance-measures`` package (first to last
  event of every case, one-day bins), as Simod's own evaluation uses it;
* wall time of discovery plus simulation, and CPU time of all processes.

Simod gets the training log as it asks for it (``case_id, activity, start_time, end_time,
resource``) with an empty ``start_time`` column, so it estimates start times itself: our logs
have one timestamp per event. Steps without a handler get the resource ``applicant``. Its
budget is small (2 iterations of each optimisation stage, 1 evaluation each); it simulates
the held-out period's number of cases from its first arrival (its final evaluation), which the
kit does not get told: the kit simulates its discovered arrival process. Both simulated logs are
cut at the export date like the real log before they are measured.

Simod runs in its own environment (``.venv-simod``, made by ``make bench-simod``; Python
3.11–3.12, Java 17); it is never a dependency of the kit. Without it this script says so and
stops.

Run: ``.venv/bin/python benchmarks/bench_simod.py [--municipality linkoping] [--replications 5]
[--simod-runs 3]`` (Simod's hyperparameter search is not seeded: each run is another model).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import OUT, REPO, write_result

SIMOD_ENV = REPO / ".venv-simod"

CONFIG = """version: 5
common:
  train_log_path: {train}
  test_log_path: {test}
  perform_final_evaluation: true
  num_final_evaluations: {replications}
  evaluation_metrics:
    - cycle_time_distribution
  clean_intermediate_files: true
control_flow:
  optimization_metric: two_gram_distance
  num_iterations: {iterations}
  num_evaluations_per_iteration: 1
  gateway_probabilities: discovery
  mining_algorithm: sm1
resource_model:
  optimization_metric: circadian_event_distribution
  num_iterations: {iterations}
  num_evaluations_per_iteration: 1
  discovery_type: differentiated_by_pool
"""

# run in Simod's environment: the package's cycle-time distance of each simulated log
CTD = """
import datetime, json, sys
import pandas as pd
from log_distance_measures.config import EventLogIDs
from log_distance_measures.cycle_time_distribution import cycle_time_distribution_distance
ids = EventLogIDs(case="case_id", activity="activity", start_time="start_time",
                  end_time="end_time", resource="resource")
def read(p):
    d = pd.read_csv(p)
    for c in ("start_time", "end_time"):
        d[c] = pd.to_datetime(d[c], utc=True, format="ISO8601")
    return d
test = read(sys.argv[1])
print(json.dumps([cycle_time_distribution_distance(test, ids, read(p), ids,
                  bin_size=datetime.timedelta(days=1)) for p in sys.argv[2:]]))
"""


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def simod_csv(ev: pd.DataFrame, *, start: bool) -> pd.DataFrame:
    """Events in Simod's columns (UTC times); ``start``: start_time = end_time, else empty."""
    ts = pd.to_datetime(ev["timestamp"]).dt.tz_convert("UTC")
    end = ts.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    res = (ev["resource"] if "resource" in ev.columns else pd.Series(None, index=ev.index)).astype(
        object
    )
    return pd.DataFrame(
        {
            "case_id": ev["case_id"].astype(str).to_numpy(),
            "activity": ev["activity"].astype(str).to_numpy(),
            "start_time": end.to_numpy() if start else "",
            "end_time": end.to_numpy(),
            "resource": res.fillna("applicant").replace("", "applicant").to_numpy(),
        }
    )


def read_simod_log(path: Path, cut: pd.Timestamp, rep: int) -> pd.DataFrame:
    """A Prosimos log as canonical events (local times), cut at the export date."""
    d = pd.read_csv(path)
    ts = pd.to_datetime(d["end_time"], utc=True, format="ISO8601").dt.tz_convert("Europe/Stockholm")
    out = pd.DataFrame(
        {
            "case_id": f"S{rep}-" + d["case_id"].astype(str),
            "activity": d["activity"].astype(str),
            "timestamp": ts,
            "start_time": pd.to_datetime(d["start_time"], utc=True, format="ISO8601"),
            "resource": d["resource"],
        }
    )
    return out[out["timestamp"] <= cut].reset_index(drop=True)


def measures(observed: np.ndarray, simulated: np.ndarray) -> dict[str, float]:
    from scipy.stats import wasserstein_distance

    om, sm = float(np.median(observed)), float(np.median(simulated))
    o9, s9 = float(np.percentile(observed, 90)), float(np.percentile(simulated, 90))
    return {
        "median_obs": om,
        "median_sim": sm,
        "median_err": sm / om - 1,
        "p90_obs": o9,
        "p90_sim": s9,
        "p90_err": s9 / o9 - 1,
        "wasserstein": float(wasserstein_distance(observed, simulated)),
    }


def ctd_of(test: Path, logs: list[Path]) -> list[float]:
    """The package's cycle-time distance of each log to ``test`` (in Simod's environment)."""
    out = subprocess.check_output(
        [str(SIMOD_ENV / "bin" / "python"), "-c", CTD, str(test), *map(str, logs)], text=True
    )
    return json.loads(out)


def simod_run(simod: Path, work: Path, r: int, cut, observed: np.ndarray) -> dict | str:
    """One Simod discovery + final evaluation; its measures, or the failure as a line."""
    from kit.process.simulation.validation import lead_times

    out_dir = work / f"out{r}"
    c0, t0 = cpu_children(), time.perf_counter()
    with open(work / f"simod{r}.log", "w") as out:
        rc = subprocess.call(
            [str(simod), "-c", str(work / "config.yml"), "-o", str(out_dir)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
    wall, cpu = time.perf_counter() - t0, cpu_children() - c0
    if rc != 0:
        tail = (work / f"simod{r}.log").read_text(encoding="utf-8", errors="replace")
        return f"Simod failed (exit {rc}) after {wall:.0f} s: " + " / ".join(tail.splitlines()[-5:])
    paths = sorted((out_dir / "best_result" / "evaluation").glob("simulated_log_*.csv"))
    logs = [read_simod_log(p, cut, k) for k, p in enumerate(paths)]
    lead = np.concatenate(
        [
            lead_times(lg[["case_id", "activity", "timestamp"]], None, True)["lead_time_days"]
            .dropna()
            .to_numpy()
            for lg in logs
        ]
    )
    cut_paths = []
    for k, lg in enumerate(logs):
        p = work / f"simod{r}_{k}.csv"
        pd.DataFrame(
            {
                "case_id": lg["case_id"],
                "activity": lg["activity"],
                "start_time": lg["start_time"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "end_time": lg["timestamp"]
                .dt.tz_convert("UTC")
                .dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "resource": lg["resource"],
            }
        ).to_csv(p, index=False)
        cut_paths.append(p)
    return {
        **measures(observed, lead),
        "ctd": float(np.mean(ctd_of(work / "test.csv", cut_paths))),
        "wall": wall,
        "cpu": cpu,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--municipality", default="linkoping")
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=2, help="Simod's budget per stage")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--simod-runs", type=int, default=3, help="Simod's search is not seeded")
    args = ap.parse_args()

    simod = SIMOD_ENV / "bin" / "simod"
    if not simod.exists():
        print(f"Simod is not installed ({simod} missing): run `make bench-simod`.")
        return 1

    import scipy.stats  # noqa: F401 - import cost paid before timing

    from kit.config import municipality
    from kit.data.loaders import load_sample
    from kit.process.simulation.discovery import NS_PER_DAY, _local_ns, discover
    from kit.process.simulation.engine import simulate
    from kit.process.simulation.parallel import shutdown_pool
    from kit.process.simulation.validation import split_by_arrival, validate

    work = OUT / "simod"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    s = load_sample(args.municipality)
    events, cases = s.events, s.cases
    train, test_ids, split_day = split_by_arrival(events)
    test = events[events["case_id"].isin(set(test_ids))]
    simod_csv(train, start=False).to_csv(work / "train.csv", index=False)
    simod_csv(test, start=True).to_csv(work / "test.csv", index=False)
    (work / "config.yml").write_text(
        CONFIG.format(
            train=work / "train.csv",
            test=work / "test.csv",
            replications=args.replications,
            iterations=args.iterations,
        ),
        encoding="utf-8",
    )
    cut = events["timestamp"].max()
    t_ns = _local_ns(events["timestamp"])
    log_end = t_ns.max() / NS_PER_DAY
    last_arrival = int(
        pd.Series(t_ns).groupby(events["case_id"].to_numpy()).min().max() // NS_PER_DAY
    )
    load0 = os.getloadavg()[0]

    # the kit: discovery on the training cases, the held-out period simulated, measured
    c0, t0 = cpu_self() + cpu_children(), time.perf_counter()
    val = validate(events, cases, replications=args.replications, seed=0, jobs=args.jobs)
    kit_wall = time.perf_counter() - t0
    shutdown_pool()  # its workers' CPU time counts once they are reaped
    kit_cpu = cpu_self() + cpu_children() - c0
    t0 = time.perf_counter()
    model = discover(train, cases, check=False)
    kit_discovery = time.perf_counter() - t0
    kit_logs = []
    seeds = np.random.SeedSequence(0).spawn(args.replications)
    for k, child in enumerate(seeds):
        log = simulate(model, int(split_day), last_arrival + 1, seed=child, horizon_day=log_end)
        ev = log.events()
        ev["timestamp"] = ev["timestamp"].dt.tz_localize(
            "Europe/Stockholm", ambiguous="NaT", nonexistent="shift_forward"
        )
        path = work / f"kit_{k}.csv"
        simod_csv(ev.dropna(subset=["timestamp"]), start=True).to_csv(path, index=False)
        kit_logs.append(path)
    kit = measures(val.observed, val.simulated)

    # Simod: discovery with a small budget, then its final evaluation simulates the period;
    # its hyperparameter search is not seeded, so each run is another model
    kit_ctd = float(np.mean(ctd_of(work / "test.csv", kit_logs)))
    runs = []
    lines = []
    for r in range(args.simod_runs):
        got = simod_run(simod, work, r, cut, val.observed)
        if isinstance(got, str):
            lines.append(got)
            write_result("simod", "Simod side by side (future-process)", lines, [])
            return 1
        runs.append(got)
        print(f"Simod run {r + 1}: {got}", flush=True)
    load1 = os.getloadavg()[0]

    simod_version = subprocess.check_output([str(simod), "--version"], text=True).strip()
    d = val.to_dict()
    lines.append(
        f"{municipality(args.municipality).name}: trained on the first {d['train_cases']:,} cases by arrival, "
        f"{d['test_cases']:,} held-out cases from {d['split']}; {args.replications} simulated "
        f"replications each; {simod_version}, budget {args.iterations} iterations per stage, "
        f"{args.simod_runs} runs. "
        f"Load average {load0:.1f} at the start, {load1:.1f} at the end (2 cores)."
    )
    lines.append("")
    lines.append("| measure | result | goal |")
    lines.append("|---|---|---|")

    def pct(v):
        return f"{100 * v:+.1f} %"

    def rng(key, fmt="{:.0f}", scale=1.0):
        vals = sorted(scale * x[key] for x in runs)
        lo, hi = fmt.format(vals[0]), fmt.format(vals[-1])
        return lo if lo == hi else f"{lo} to {hi}"

    walls = [x["wall"] for x in runs]
    lines.append(
        f"| wall time, discovery + simulation of the held-out period | kit {kit_wall:.1f} s "
        f"(discovery alone {kit_discovery:.2f} s), Simod {rng('wall')} s: "
        f"{min(walls) / kit_wall:.0f}–{max(walls) / kit_wall:.0f}× | kit < 1/10 of Simod |"
    )
    lines.append(f"| CPU time, all processes | kit {kit_cpu:.1f} s, Simod {rng('cpu')} s | – |")
    lines.append(
        f"| median received → decision, observed {kit['median_obs']:.0f} d | kit "
        f"{kit['median_sim']:.1f} d ({pct(kit['median_err'])}), Simod "
        f"{rng('median_err', '{:+.1f}', 100)} % | within 10 % |"
    )
    lines.append(
        f"| p90 received → decision, observed {kit['p90_obs']:.0f} d | kit "
        f"{kit['p90_sim']:.1f} d ({pct(kit['p90_err'])}), Simod "
        f"{rng('p90_err', '{:+.1f}', 100)} % | within 10 % |"
    )
    ws = [x["wasserstein"] / kit["wasserstein"] for x in runs]
    lines.append(
        f"| Wasserstein distance of received → decision (days) | kit {kit['wasserstein']:.1f}, "
        f"Simod {rng('wasserstein', '{:.1f}')}: {min(ws):.0f}–{max(ws):.0f}× | "
        "kit ≥ 10× smaller |"
    )
    cs = [x["ctd"] / kit_ctd for x in runs]
    lines.append(
        f"| cycle-time distribution distance (log-distance-measures, 1-day bins, first → last "
        f"event) | kit {kit_ctd:.1f}, Simod {rng('ctd', '{:.1f}')}: {min(cs):.0f}–{max(cs):.0f}× "
        "| kit ≥ 10× smaller |"
    )
    lines.append("")
    lines.append(
        "Each Simod run (its hyperparameter search is not seeded, so each run finds another model):"
    )
    lines.append("")
    lines.append(
        "| run | wall (s) | CPU (s) | median (days, error) | p90 (days, error) | Wasserstein "
        "(days) | cycle-time distance |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for k, x in enumerate(runs, start=1):
        lines.append(
            f"| {k} | {x['wall']:.0f} | {x['cpu']:.0f} | {x['median_sim']:.1f} "
            f"({pct(x['median_err'])}) | {x['p90_sim']:.1f} ({pct(x['p90_err'])}) | "
            f"{x['wasserstein']:.1f} | {x['ctd']:.1f} |"
        )
    rows = [
        {"comparison": r[0], "measured": r[1], "goal": r[2]}
        for r in (
            [c.strip() for c in line.strip().strip("|").split(" | ")]
            for line in lines
            if line.startswith("| ") and not line.startswith("| measure")
        )
        if len(r) == 3
    ]
    write_result("simod", "Simod side by side (future-process)", lines, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
