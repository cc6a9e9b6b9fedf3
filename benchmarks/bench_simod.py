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

Run: ``.venv/bin/python benchmarks/bench_simod.py [--municipality linkoping] [--replications 5]``
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--municipality", default="linkoping")
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=2, help="Simod's budget per stage")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
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
    from kit.process.simulation.validation import lead_times, split_by_arrival, validate

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

    # Simod: discovery with a small budget, then its final evaluation simulates the period
    c0, t0 = cpu_children(), time.perf_counter()
    with open(work / "simod.log", "w") as out:
        rc = subprocess.call(
            [str(simod), "-c", str(work / "config.yml"), "-o", str(work / "out")],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
    simod_wall = time.perf_counter() - t0
    simod_cpu = cpu_children() - c0
    lines = []
    if rc != 0:
        tail = (work / "simod.log").read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
        lines.append(f"Simod failed (exit {rc}) after {simod_wall:.0f} s: " + " / ".join(tail))
        write_result("simod", "Simod side by side (future-process)", lines, [])
        return 1
    sim_dir = work / "out" / "best_result" / "evaluation"
    simod_paths = sorted(sim_dir.glob("simulated_log_*.csv"))
    simod_logs = [read_simod_log(p, cut, k) for k, p in enumerate(simod_paths)]
    simod_lead = np.concatenate(
        [
            lead_times(lg[["case_id", "activity", "timestamp"]], None, True)["lead_time_days"]
            .dropna()
            .to_numpy()
            for lg in simod_logs
        ]
    )
    sim = measures(val.observed, simod_lead)
    cut_paths = []
    for k, lg in enumerate(simod_logs):
        p = work / f"simod_{k}.csv"
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
    ctd = json.loads(
        subprocess.check_output(
            [
                str(SIMOD_ENV / "bin" / "python"),
                "-c",
                CTD,
                str(work / "test.csv"),
                *map(str, kit_logs + cut_paths),
            ],
            text=True,
        )
    )
    kit_ctd = float(np.mean(ctd[: len(kit_logs)]))
    simod_ctd = float(np.mean(ctd[len(kit_logs) :]))
    load1 = os.getloadavg()[0]

    simod_version = subprocess.check_output([str(simod), "--version"], text=True).strip()
    d = val.to_dict()
    lines.append(
        f"{municipality(args.municipality).name}: trained on the first {d['train_cases']:,} cases by arrival, "
        f"{d['test_cases']:,} held-out cases from {d['split']}; {args.replications} simulated "
        f"replications each; {simod_version}, budget {args.iterations} iterations per stage. "
        f"Load average {load0:.1f} at the start, {load1:.1f} at the end (2 cores)."
    )
    lines.append("")
    lines.append("| measure | result | goal |")
    lines.append("|---|---|---|")

    def pct(v):
        return f"{100 * v:+.1f} %"

    lines.append(
        f"| wall time, discovery + simulation of the held-out period | kit {kit_wall:.1f} s "
        f"(discovery alone {kit_discovery:.2f} s), Simod {simod_wall:.0f} s: "
        f"{simod_wall / kit_wall:.0f}× | kit < 1/10 of Simod |"
    )
    lines.append(f"| CPU time, all processes | kit {kit_cpu:.1f} s, Simod {simod_cpu:.0f} s | – |")
    lines.append(
        f"| median received → decision, observed {kit['median_obs']:.0f} d | kit "
        f"{kit['median_sim']:.1f} d ({pct(kit['median_err'])}), Simod {sim['median_sim']:.1f} d "
        f"({pct(sim['median_err'])}) | within 10 % |"
    )
    lines.append(
        f"| p90 received → decision, observed {kit['p90_obs']:.0f} d | kit "
        f"{kit['p90_sim']:.1f} d ({pct(kit['p90_err'])}), Simod {sim['p90_sim']:.1f} d "
        f"({pct(sim['p90_err'])}) | within 10 % |"
    )
    lines.append(
        f"| Wasserstein distance of received → decision (days) | kit {kit['wasserstein']:.1f}, "
        f"Simod {sim['wasserstein']:.1f}: {sim['wasserstein'] / kit['wasserstein']:.0f}× | "
        "kit ≥ 10× smaller |"
    )
    lines.append(
        f"| cycle-time distribution distance (log-distance-measures, 1-day bins, first → last "
        f"event) | kit {kit_ctd:.1f}, Simod {simod_ctd:.1f}: {simod_ctd / kit_ctd:.0f}× | "
        "kit ≥ 10× smaller |"
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
