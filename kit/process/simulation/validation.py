"""Can we trust the model? Discover on the earlier cases, simulate the later period, compare.

The cases are ordered by arrival (their first event); the first ``train_share`` (default 70 %)
are the training cases, with all their events. The model discovered from them simulates the
arrivals of the later period, and the simulated events are cut at the log's last event, as the
export was, so open and censored cases are treated alike on both sides. Compared on the
held-out cases (decided ones, received → decision for permit logs, first → last event
otherwise): relative error of the median and the 90th percentile, the Wasserstein distance
between the two lead-time distributions (days), the share decided within the time limit
(points) and the cases per month. A model whose median or p90 error exceeds
:data:`TRUST_LIMIT` is reported as not trustworthy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.process.simulation.discovery import NS_PER_DAY, _local_ns, check_enough, discover
from kit.process.simulation.engine import SimLog, simulate

TRUST_LIMIT = 0.10
TRAIN_SHARE = 0.70


def lead_times(events: pd.DataFrame, cases: pd.DataFrame | None, permit: bool) -> pd.DataFrame:
    """Per case: ``case_id, received`` (day number), ``lead_time_days, within_limit,
    fee_reduction_sek, total_days`` — from :func:`kit.process.leadtime.case_metrics` for permit
    logs (the PBL rules written once), first → last event otherwise."""
    if permit:
        from kit.process.leadtime import case_metrics

        per = case_metrics(events, cases, as_of="2100-01-01")
        rec = pd.to_datetime(per["received"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
        return pd.DataFrame(
            {
                "case_id": per["case_id"].astype(str).to_numpy(),
                "received": np.where(per["received"].isna(), np.nan, rec / NS_PER_DAY),
                "lead_time_days": per["lead_time_days"].to_numpy(dtype=float),
                "within_limit": per["within_limit"]
                .astype("boolean")
                .to_numpy(dtype=float, na_value=np.nan),
                "fee_reduction_sek": pd.to_numeric(
                    per["fee_reduction_sek"], errors="coerce"
                ).to_numpy(float),
                "total_days": per["total_days"].to_numpy(dtype=float),
            }
        )
    t = _local_ns(events["timestamp"]) / NS_PER_DAY
    g = pd.DataFrame({"case_id": events["case_id"].astype(str).to_numpy(), "t": t}).groupby(
        "case_id", sort=True
    )["t"]
    first, last = g.min(), g.max()
    return pd.DataFrame(
        {
            "case_id": first.index.to_numpy(),
            "received": np.floor(first.to_numpy()),
            "lead_time_days": (last - first).to_numpy(),
            "within_limit": np.nan,
            "fee_reduction_sek": np.nan,
            "total_days": np.nan,
        }
    )


def sim_lead_times(log: SimLog) -> pd.DataFrame:
    return lead_times(log.events(), log.cases(), log.model.permit)


@dataclass
class Validation:
    train_cases: int
    test_cases: int
    observed: np.ndarray  # lead times (days) of decided held-out cases
    simulated: np.ndarray  # the same for the simulated period (all replications pooled)
    median_rel_error: float
    p90_rel_error: float
    wasserstein_days: float
    share_within_observed: float | None
    share_within_simulated: float | None
    cases_per_month_observed: float
    cases_per_month_simulated: float
    split: str  # first day of the held-out period (ISO)
    replications: int
    log: SimLog | None = (
        None  # the first replication: the simulated counterpart of the held-out cases
    )

    @property
    def trustworthy(self) -> bool:
        return abs(self.median_rel_error) <= TRUST_LIMIT and abs(self.p90_rel_error) <= TRUST_LIMIT

    def to_dict(self) -> dict[str, Any]:
        def r(v, d=4):
            return None if v is None or v != v else round(float(v), d)

        return {
            "median_rel_error": r(self.median_rel_error),
            "p90_rel_error": r(self.p90_rel_error),
            "wasserstein_days": r(self.wasserstein_days, 3),
            "train_cases": int(self.train_cases),
            "test_cases": int(self.test_cases),
            "observed_median_days": r(float(np.median(self.observed)), 3)
            if len(self.observed)
            else None,
            "simulated_median_days": r(float(np.median(self.simulated)), 3)
            if len(self.simulated)
            else None,
            "observed_p90_days": r(float(np.percentile(self.observed, 90)), 3)
            if len(self.observed)
            else None,
            "simulated_p90_days": r(float(np.percentile(self.simulated, 90)), 3)
            if len(self.simulated)
            else None,
            "share_within_limit_observed": r(self.share_within_observed),
            "share_within_limit_simulated": r(self.share_within_simulated),
            "share_within_limit_points": r(
                None
                if self.share_within_observed is None or self.share_within_simulated is None
                else 100 * (self.share_within_simulated - self.share_within_observed),
                2,
            ),
            "cases_per_month_observed": r(self.cases_per_month_observed, 2),
            "cases_per_month_simulated": r(self.cases_per_month_simulated, 2),
            "split": self.split,
            "replications": self.replications,
            "trustworthy": self.trustworthy,
        }


def split_by_arrival(events: pd.DataFrame, train_share: float = TRAIN_SHARE):
    """(training events, held-out case ids, first day of the held-out period)."""
    t = _local_ns(events["timestamp"])
    ids = events["case_id"].astype(str).to_numpy()
    first = pd.Series(t).groupby(ids).min().sort_values(kind="stable")
    n_train = int(round(len(first) * train_share))
    if n_train < 1 or n_train >= len(first):
        raise ValueError("train_share leaves no training or no held-out cases")
    split_ns = int(first.iloc[n_train])
    train_ids = set(first.index[:n_train])
    is_train = pd.Series(ids).isin(train_ids).to_numpy()
    return events[is_train], first.index[n_train:], split_ns // NS_PER_DAY


def _replicate(shared, item) -> tuple[np.ndarray, np.ndarray, int, SimLog | None]:
    """One validation replication (run by :func:`kit.process.simulation.parallel.pmap`): the
    simulated lead times and within-limit flags, the number of simulated cases, and for the
    first replication the log itself (without its model, which the caller has)."""
    from dataclasses import replace

    model, start_day, end_day, horizon = shared
    seed, keep = item
    log = simulate(model, start_day, end_day, seed=seed, horizon_day=horizon)
    per = sim_lead_times(log)
    return (
        per["lead_time_days"].to_numpy(dtype=float),
        per["within_limit"].to_numpy(dtype=float),
        len(log.arrival),
        replace(log, model=None) if keep else None,
    )


def validate(
    events: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    *,
    train_share: float = TRAIN_SHARE,
    replications: int = 5,
    seed: int = 0,
    jobs: int = 1,
    mapper=None,
) -> Validation:
    """Discover on the earlier ``train_share`` of the cases, simulate the rest, compare.

    The replications run on ``jobs`` processes or through ``mapper`` (as the scenario
    replications, :func:`kit.process.simulation.results.run`); each has its own seed, so the
    result does not depend on either."""
    from dataclasses import replace

    from kit.process.simulation.parallel import pmap

    if not 0 < train_share < 1:
        from kit.errors import UsageError

        raise UsageError(f"train share {train_share} is outside the allowed range (0, 1)")
    check_enough(events)
    train, test_ids, split_day = split_by_arrival(events, train_share)
    model = discover(train, cases, check=False)
    t = _local_ns(events["timestamp"])
    log_end = t.max() / NS_PER_DAY
    ids = events["case_id"].astype(str).to_numpy()
    last_arrival = int(pd.Series(t).groupby(ids).min().max() // NS_PER_DAY)
    obs_all = lead_times(events, cases, model.permit)
    obs = obs_all[obs_all["case_id"].isin(set(test_ids))]
    obs_lead = obs["lead_time_days"].dropna().to_numpy()
    if replications < 1:
        from kit.errors import UsageError

        raise UsageError(f"replications {replications} is outside the allowed range 1 or more")
    seeds = np.random.SeedSequence(seed).spawn(replications)
    shared = (model, int(split_day), last_arrival + 1, log_end)
    items = [(child, i == 0) for i, child in enumerate(seeds)]
    reps = list(pmap(_replicate, shared, items, jobs=jobs, mapper=mapper))
    first_log = replace(reps[0][3], model=model)
    n_sim_cases = sum(r[2] for r in reps)
    sim = pd.DataFrame(
        {
            "lead_time_days": np.concatenate([r[0] for r in reps]),
            "within_limit": np.concatenate([r[1] for r in reps]),
        }
    )
    sim_lead = sim["lead_time_days"].dropna().to_numpy()
    months = max((last_arrival + 1 - split_day) / 30.4375, 1e-9)

    def rel(a, b):
        return (a - b) / b if b else float("nan")

    def share(df):
        w = df.loc[df["lead_time_days"].notna(), "within_limit"].dropna()
        return float(w.mean()) if len(w) else None

    from scipy.stats import wasserstein_distance

    return Validation(
        train_cases=int(model.n_cases),
        test_cases=int(len(test_ids)),
        observed=obs_lead,
        simulated=sim_lead,
        median_rel_error=rel(float(np.median(sim_lead)), float(np.median(obs_lead)))
        if len(sim_lead) and len(obs_lead)
        else float("nan"),
        p90_rel_error=rel(float(np.percentile(sim_lead, 90)), float(np.percentile(obs_lead, 90)))
        if len(sim_lead) and len(obs_lead)
        else float("nan"),
        wasserstein_days=float(wasserstein_distance(obs_lead, sim_lead))
        if len(sim_lead) and len(obs_lead)
        else float("nan"),
        share_within_observed=share(obs) if model.permit else None,
        share_within_simulated=share(sim) if model.permit else None,
        cases_per_month_observed=len(test_ids) / months,
        cases_per_month_simulated=n_sim_cases / replications / months,
        split=str(pd.Timestamp(int(split_day) * NS_PER_DAY).date()),
        replications=replications,
        log=first_log,
    )
