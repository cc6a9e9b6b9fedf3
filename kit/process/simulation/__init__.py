"""Process simulation discovered from an event log (the lab "Framtidens process").

* :mod:`.discovery` — from any canonical event log: the activity graph with branching
  probabilities and rework loops (per case type where the data allow), fitted time
  distributions, the arrival process, the working calendar and handler capacity.
* :mod:`.engine` — the discrete-event simulation of a discovered model (generator processes
  on a heap scheduler in SimPy's event order; SimPy itself as the reference driver).
* :mod:`.scenarios` — prototypes as data: named sets of changes read from YAML.
* :mod:`.validation` — discover on the earlier cases, simulate the later period, compare.
* :mod:`.results` — replications of baseline and scenarios, confidence intervals, the 33 % verdict.
* :mod:`.parallel` — replications on a reused process pool or a cluster's ``map``.

The permit figures of a simulated log (statutory clock, fee reduction) come from
:func:`kit.process.leadtime.case_metrics`, so the PBL rules are written once.
"""

from __future__ import annotations

from typing import Any


def study(
    events,
    cases=None,
    *,
    scenarios: list[str] | None = None,
    scenarios_file=None,
    replications: int = 10,
    seed: int = 0,
    jobs: int = 1,
    validation_replications: int = 3,
    progress: bool = False,
    mapper=None,
) -> dict[str, Any]:
    """Discover, validate and run scenarios in one call (the CLI and the dashboard use it).

    Returns ``{"model", "validation", "results", "observed", "specs", "scenarios"}``:
    objects, not yet JSON (see :func:`to_json`). ``scenarios``: specs as
    :func:`kit.process.simulation.scenarios.parse_spec` reads them; None = every built-in
    prototype the log supports: its activities (none for a log without the permit vocabulary)
    and case types.
    ``mapper``: runs the replications (validation and scenarios) instead of ``jobs`` local
    processes (see :func:`kit.process.simulation.parallel.pmap`).
    """
    from kit.errors import UsageError
    from kit.process.simulation.discovery import discover
    from kit.process.simulation.results import run
    from kit.process.simulation.scenarios import (
        apply,
        combine,
        load_scenarios,
        parse_spec,
        required_activities,
    )
    from kit.process.simulation.validation import lead_times, validate

    known = load_scenarios()
    if scenarios_file is not None:
        known.update(load_scenarios(scenarios_file))
    chosen = []
    if scenarios is None:
        model = discover(events, cases)
        chosen = []
        for sc in known.values():
            if not all(model.has(a) for a in required_activities(sc)):
                continue
            try:  # e.g. a route for a case type the log does not have
                apply(model, sc)
            except UsageError:
                continue
            chosen.append(sc)
    else:
        chosen = [combine(parse_spec(s, known), s) for s in scenarios]
        model = discover(events, cases)
    val = validate(
        events, cases, replications=validation_replications, seed=seed, jobs=jobs, mapper=mapper
    )
    res = run(
        model,
        chosen,
        replications=replications,
        seed=seed,
        jobs=jobs,
        progress=progress,
        mapper=mapper,
    )
    obs = lead_times(events, cases, model.permit)
    lead = obs["lead_time_days"].dropna().to_numpy()
    import numpy as np

    within = obs.loc[obs["lead_time_days"].notna(), "within_limit"].dropna()
    observed = {
        "n_cases": int(len(obs)),
        "n_decided": int(len(lead)),
        "median_days": float(np.median(lead)) if len(lead) else None,
        "p90_days": float(np.percentile(lead, 90)) if len(lead) else None,
        "share_within_limit": float(within.mean()) if len(within) else None,
    }
    return {
        "model": model,
        "validation": val,
        "results": res,
        "observed": observed,
        "scenarios": chosen,
    }


def to_json(out: dict[str, Any]) -> dict[str, Any]:
    """The plain JSON of :func:`study` (no timings, so the same seed gives the same bytes)."""
    import pandas as pd

    from kit.process.simulation.discovery import NS_PER_DAY

    res = out["results"]

    def day(d: int) -> str:
        return str(pd.Timestamp(int(d) * NS_PER_DAY).date())

    scen = {}
    for name, s in res.scenarios.items():
        scen[name] = {"title": res.titles.get(name, {}), **s}
    return {
        "observed": {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in out["observed"].items()
        },
        "model": out["model"].describe(),
        "validation": out["validation"].to_dict(),
        "period": {"start": day(res.start_day), "end": day(res.end_day - 1)},
        "replications": res.replications,
        "seed": res.seed,
        "baseline": res.baseline,
        "scenarios": scen,
        "goal_reduction": 0.33,
    }
