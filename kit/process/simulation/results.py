"""Baseline against scenarios: replications in parallel processes, 95 % intervals, the verdict.

Every replication simulates the same period (by default the last 365 days of arrivals in the
log) for the baseline and for each scenario with the same random seed (common random numbers),
so a scenario's reduction is measured pairwise per replication. Intervals are Student-t 95 %
intervals of the mean over replications. The goal (Smart Built Environment) is a 33 % shorter
median time to decision: *reached* when the whole interval is at or above 33 %, *possible*
when the interval contains it, *not reached* otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kit.process.simulation.discovery import Model
from kit.process.simulation.engine import simulate
from kit.process.simulation.parallel import pmap, shutdown_pool  # noqa: F401 - re-exported
from kit.process.simulation.scenarios import Scenario, apply
from kit.process.simulation.validation import sim_lead_times

GOAL = 0.33
METRICS = ("median_days", "p90_days", "mean_days", "share_within_limit", "fee_reduction_sek")


def measure(model: Model, start_day: int, end_day: int, seed) -> dict[str, Any]:
    """One replication: key figures of the simulated cases (decided cases for lead times)."""
    log = simulate(model, start_day, end_day, seed=seed)
    per = sim_lead_times(log)
    lead = per["lead_time_days"].dropna().to_numpy()
    within = per.loc[per["lead_time_days"].notna(), "within_limit"].dropna()
    fee = per["fee_reduction_sek"].dropna()
    total = per["total_days"].dropna().to_numpy()
    return {
        "median_days": float(np.median(lead)) if len(lead) else math.nan,
        "p90_days": float(np.percentile(lead, 90)) if len(lead) else math.nan,
        "mean_days": float(lead.mean()) if len(lead) else math.nan,
        "share_within_limit": float(within.mean()) if len(within) else math.nan,
        "fee_reduction_sek": float(fee.sum()) if len(fee) else math.nan,
        "total_median_days": float(np.median(total)) if len(total) else math.nan,
        "n_cases": int(len(log.arrival)),
        "n_events": int(log.n_events),
        "lead": lead,
    }


def _job(shared, seed) -> list[dict[str, Any]]:
    """One replication of every model (run by :func:`kit.process.simulation.parallel.pmap`)."""
    models, start_day, end_day = shared
    return [measure(m, start_day, end_day, seed) for m in models]


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """(mean, low, high): Student-t 95 % interval of the mean (NaN bounds with one value)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return (math.nan, math.nan, math.nan)
    mean = float(v.mean())
    if len(v) < 2:
        return (mean, math.nan, math.nan)
    from scipy import stats

    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return (mean, mean - half, mean + half)


def verdict(low: float, high: float, point: float) -> str:
    """``reached``, ``possible`` or ``not_reached`` against :data:`GOAL`."""
    if math.isfinite(low) and math.isfinite(high):
        if low >= GOAL:
            return "reached"
        return "possible" if high >= GOAL else "not_reached"
    return "reached" if point >= GOAL else "not_reached"


@dataclass
class Results:
    replications: int
    seed: int
    start_day: int
    end_day: int
    baseline: dict[str, Any]
    scenarios: dict[str, dict[str, Any]]
    titles: dict[str, dict[str, str]]
    lead_times: dict[str, np.ndarray] = field(default_factory=dict)  # first replication
    n_events: int = 0
    seconds: float = 0.0
    rows: list | None = None  # per replication: the baseline's measures (for reuse)

    def best(self) -> tuple[str | None, float | None]:
        best, value = None, None
        for name, s in self.scenarios.items():
            r = s["median_reduction"]
            if r is not None and (value is None or r > value):
                best, value = name, r
        return best, value


def _r(v: float, d: int = 4) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), d)


def run(
    model: Model,
    scenarios: list[Scenario],
    *,
    replications: int = 10,
    seed: int = 0,
    jobs: int = 1,
    start_day: int | None = None,
    end_day: int | None = None,
    progress: bool = False,
    baseline: Results | None = None,
    mapper=None,
) -> Results:
    """Simulate the baseline and each scenario ``replications`` times (``jobs`` processes).

    ``baseline``: an earlier result of the same model, period, seed and replications whose
    baseline replications are reused (so a dashboard re-simulates only a changed scenario).
    ``mapper``: a ``map(fn, tasks)``-like callable yielding results in order (e.g. a cluster's,
    :class:`kit.labs.cluster.DaskMap`) used instead of ``jobs`` local processes."""
    import time

    from kit.errors import UsageError

    if replications < 1:
        raise UsageError(f"replications {replications} is outside the allowed range 1 or more")
    if jobs < 1:
        raise UsageError(f"jobs {jobs} is outside the allowed range 1 or more")
    t0 = time.perf_counter()
    end = int(end_day if end_day is not None else model.last_day + 1)
    start = int(start_day if start_day is not None else max(model.first_day, end - 365))
    reuse = (
        baseline is not None
        and baseline.rows is not None
        and (baseline.start_day, baseline.end_day, baseline.seed, baseline.replications)
        == (start, end, seed, replications)
    )
    models = ([] if reuse else [model]) + [apply(model, sc) for sc in scenarios]
    seeds = np.random.SeedSequence(seed).spawn(replications)
    if not models:
        rows = [[] for _ in seeds]
    else:
        it = pmap(_job, (models, start, end), seeds, jobs=jobs, mapper=mapper)
        rows = list(_progress(it, replications, progress))
    if reuse:
        rows = [[b, *r] for b, r in zip(baseline.rows, rows, strict=True)]
    base = [r[0] for r in rows]
    out_base: dict[str, Any] = {}
    for k in METRICS + ("total_median_days",):
        mean, lo, hi = interval(np.array([b[k] for b in base]))
        out_base[k] = _r(mean)
        out_base[f"{k}_ci"] = [_r(lo), _r(hi)]
    out_base["cases_per_replication"] = _r(float(np.mean([b["n_cases"] for b in base])), 1)
    out: dict[str, dict[str, Any]] = {}
    lead = {"baseline": base[0]["lead"]}
    for j, sc in enumerate(scenarios, start=1):
        rs = [r[j] for r in rows]
        entry: dict[str, Any] = {}
        for k in METRICS + ("total_median_days",):
            mean, lo, hi = interval(np.array([x[k] for x in rs]))
            entry[k] = _r(mean)
            entry[f"{k}_ci"] = [_r(lo), _r(hi)]
        red = np.array(
            [1 - s["median_days"] / b["median_days"] for s, b in zip(rs, base, strict=True)]
        )
        mean, lo, hi = interval(red)
        entry["median_reduction"] = _r(mean)
        entry["ci_low"] = _r(lo)
        entry["ci_high"] = _r(hi)
        tot = np.array(
            [
                1 - s["total_median_days"] / b["total_median_days"]
                for s, b in zip(rs, base, strict=True)
            ]
        )
        entry["total_reduction"] = _r(interval(tot)[0])
        entry["verdict"] = verdict(lo, hi, mean)
        entry["changes"] = [dict(c) for c in _plain_changes(sc)]
        out[sc.name] = entry
        lead[sc.name] = rs[0]["lead"]
    return Results(
        replications=replications,
        seed=seed,
        start_day=start,
        end_day=end,
        baseline=out_base,
        scenarios=out,
        titles={sc.name: dict(sc.title) for sc in scenarios},
        lead_times=lead,
        n_events=int(sum(x["n_events"] for r in rows for x in r)),
        seconds=time.perf_counter() - t0,
        rows=[r[0] for r in rows],
    )


def _plain_changes(sc: Scenario) -> list[dict[str, Any]]:
    from kit.process.simulation.scenarios import _resolved

    return _resolved(sc)


def _progress(it, total: int, on: bool):
    if not on:
        return it
    from tqdm import tqdm

    return tqdm(it, total=total, desc="replications", unit="rep", leave=False)
