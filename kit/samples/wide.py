"""A synthetic event log with hundreds of distinct activities, like a real case-management
export (one timestamp per event, generic step names, a handler on most steps).

Not permit vocabulary: it checks that process discovery and simulation need no hand-tuning
when a log has many activities, most of them rare. Seeded and reproducible.

The process: each activity ``k`` leads to one of a few later activities (up to ``reach``
ahead), back to an earlier one now and then (rework), or ends the case, with probabilities
drawn once per seed; a case starts at one of the first five activities. The time to the next
step is lognormal with a median drawn per activity (an hour to ten days). Cases arrive on
weekdays between 8 and 16; events fall in the same hours on weekdays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def wide_log(
    cases: int = 3_000,
    activities: int = 300,
    *,
    seed: int = 0,
    start: str = "2023-01-02",
    per_day: float = 12.0,
    handlers: int = 25,
    reach: int = 40,
    max_events: int = 60,
) -> pd.DataFrame:
    """The events table (``case_id, activity, timestamp, resource``; naive local times)."""
    rng = np.random.default_rng(seed)
    n = activities
    names = np.array([f"step {k + 1:03d}" for k in range(n)], dtype=object)
    # successors: 1–4 later activities, sometimes an earlier one (rework), and the end
    succ: list[np.ndarray] = []
    prob: list[np.ndarray] = []
    for k in range(n):
        m = int(rng.integers(1, 5))
        later = np.unique(rng.integers(k + 1, k + 1 + reach, size=m)) % n
        targets = list(later)
        if k > 5 and rng.random() < 0.3:
            targets.append(int(rng.integers(max(0, k - 15), k)))
        p_end = min(0.02 + 0.2 * k / n, 0.5)
        w = rng.dirichlet(np.ones(len(targets))) * (1 - p_end)
        succ.append(np.array([*targets, -1]))
        prob.append(np.append(w, p_end))
    median_days = np.exp(rng.uniform(np.log(1 / 24), np.log(10), size=n))
    sigma = rng.uniform(0.3, 1.2, size=n)
    handled = rng.random(n) < 0.8

    # weekday arrivals between 8 and 16, times in days since 1970-01-01
    days = pd.bdate_range(start, periods=int(np.ceil(cases / per_day * 1.3)) + 10)
    counts = rng.poisson(per_day, size=len(days))
    day_of = np.repeat(days.to_numpy().astype("datetime64[D]").astype(np.int64), counts)[:cases]
    if len(day_of) < cases:
        raise ValueError("too few arrival days; raise per_day")
    arrive = day_of + rng.uniform(8, 16, size=cases) / 24
    cum = [np.cumsum(p) for p in prob]

    rows_case, rows_act, rows_t = [], [], []
    for i in range(cases):
        t = float(arrive[i])
        a = int(rng.integers(0, 5))
        u = rng.random(max_events)
        z = rng.standard_normal(max_events)
        for j in range(max_events):
            rows_case.append(i)
            rows_act.append(a)
            rows_t.append(t)
            b = int(succ[a][min(int(np.searchsorted(cum[a], u[j], side="right")), len(cum[a]) - 1)])
            if b < 0:
                break
            t = _working(t + median_days[b] * float(np.exp(sigma[b] * z[j])))
            a = b
    act = np.asarray(rows_act)
    case = np.asarray(rows_case)
    who = np.char.add(
        "handler-", np.char.zfill(rng.integers(1, handlers + 1, len(act)).astype(str), 2)
    )
    res = np.where(handled[act], who, "").astype(object)
    first = np.r_[True, case[1:] != case[:-1]]
    res[first | (res == "")] = None  # the first step of a case is the applicant's
    ns = (np.round(np.asarray(rows_t) * 1440) * 60 * 10**9).astype(np.int64)
    return pd.DataFrame(
        {
            "case_id": np.char.add("W-", np.char.zfill(case.astype(str), 6)).astype(object),
            "activity": names[act],
            "timestamp": ns.view("datetime64[ns]"),
            "resource": res,
        }
    )


def _working(t: float) -> float:
    """The next time (days since 1970-01-01, a Thursday) on weekdays between 8 and 16."""
    day = int(t)
    hour = (t - day) * 24
    if hour >= 16:
        day, hour = day + 1, 8.0
    elif hour < 8:
        hour = 8.0
    wd = (day + 3) % 7  # Monday 0
    if wd >= 5:
        day, hour = day + 7 - wd, 8.0
    return day + hour / 24
