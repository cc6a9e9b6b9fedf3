"""Discover a simulation model from an event log: no hand-set constants, any activity names.

What is read from the log (the canonical events table, one timestamp per event is enough):

* **Activity graph**: first activity of a case, and for every activity the branching
  probabilities to the next activity or to the end, counted over consecutive events of each
  case. Repeated steps (``supplement_received → supplement_received``) are rework loops and stay
  in the graph. Per case type (from the cases table or a ``case_type`` event column) where an
  activity has at least :data:`MIN_BRANCH` outgoing transitions of that type, otherwise pooled.
* **Times**: the time from one event to the next (waiting plus processing) per transition
  and case type (pooled below :data:`MIN_FIT` observations). A share of zero delays (same
  minute) is kept apart; the positive part is fitted with each candidate ``scipy.stats`` family
  in :data:`FAMILIES` (location 0) and the family with the smallest Wasserstein distance to the
  data is kept when that distance is at most :data:`FIT_TOLERANCE` of the data's mean;
  otherwise the empirical distribution (its quantiles, interpolated) is used. Times are measured
  on the working-time clock (:class:`WorkClock`: only working hours of working days count,
  scaled so that a working-time day is a calendar day on average), so the simulation can add
  them to any starting time without counting the nights and weekends inside them twice.
* **Processing time**: for events with a ``resource``, the start from a ``start_timestamp``
  column where the log has one (as ``testlab simulate --log-out`` writes); otherwise (single
  timestamps) the estimated start is the later of the case's previous event and the same
  resource's previous event on the same day (the start-time estimation of Chapela-Campa and
  Dumas); processing = end − start, in working time.
* **Arrivals**: the mean number of cases per day, with weekday and month-of-year factors and
  the observed times of day of first events.
* **Working calendar**: the weekdays on which events happen (a weekday with under a quarter of
  the mean share is off), the hours (2nd–98th percentile of event times of day), and Swedish
  public holidays (the ``holidays`` package) when events on them are as rare as on days off.
* **Capacity**: the distinct resources active in the 90 days up to the last arrival (after it
  the log holds only the later steps of open cases, so fewer show) (steps where most
  events name a resource are done by a handler). Without a ``resource`` column every step
  after the first is a handler's, the pool has as many handlers as the 95th percentile of such
  events per working day (the throughput the office has shown it can reach) and each holds a
  handler for one working day at most (never longer than the observed time to the step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import DataError

FAMILIES = ("expon", "gamma", "lognorm", "weibull_min")
FIT_TOLERANCE = 0.10  # a family "fits" when its Wasserstein distance ≤ 10 % of the mean
MIN_FIT = 20  # fewer observations per case type: use the transition pooled over case types
MIN_BRANCH = 20
MIN_CASES = 50  # completed cases needed to discover from
MIN_SPAN_DAYS = 90  # about three months
ZERO_DAYS = 1 / 1440  # under a minute counts as no delay
QUANTILES = 256  # points kept of an empirical distribution
ALL = "all"
END = -1
NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class Dist:
    """A duration distribution in days: a share of zeros, else a fitted family or quantiles."""

    kind: str  # a scipy.stats family name, "empirical" or "zero"
    params: tuple = ()
    zero_share: float = 0.0
    quantiles: tuple = ()  # empirical: values at evenly spaced probabilities 0..1
    n: int = 0
    distance: float = 0.0  # Wasserstein distance of the fit to the data (days)
    mean: float = 0.0  # mean of the data (days), zeros included
    factor: float = 1.0  # scenario scaling

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws (days), vectorised."""
        if self.kind == "zero" or size == 0:
            return np.zeros(size)
        u = rng.random(size)
        if self.kind == "empirical":
            q = np.asarray(self.quantiles)
            out = np.interp(rng.random(size), np.linspace(0, 1, len(q)), q)
        else:
            from scipy import stats

            out = getattr(stats, self.kind).ppf(rng.random(size) * 0.999, *self.params)
        out = np.where(u < self.zero_share, 0.0, out)
        return np.maximum(out, 0.0) * self.factor

    def scaled(self, factor: float) -> Dist:
        return replace(self, factor=self.factor * factor, mean=self.mean * factor)

    def describe(self) -> dict[str, Any]:
        return {
            "family": self.kind,
            "n": self.n,
            "mean_days": round(self.mean, 3),
            "zero_share": round(self.zero_share, 3),
            "wasserstein_days": round(self.distance, 3),
        }


def fit(values: np.ndarray) -> Dist:
    """The best of :data:`FAMILIES` for durations in days, or the empirical distribution."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Dist("zero")
    x = np.maximum(x, 0.0)
    zero = x < ZERO_DAYS
    pos = np.sort(x[~zero])
    zero_share = float(zero.mean())
    mean = float(x.mean())
    if len(pos) == 0:
        return Dist("zero", n=n)
    probs = np.linspace(0, 1, QUANTILES)
    emp = Dist(
        "empirical",
        zero_share=zero_share,
        quantiles=tuple(np.quantile(pos, probs).round(6)),
        n=n,
        mean=mean,
    )
    if len(pos) < 10 or np.ptp(pos) <= 0:
        return emp
    from scipy import stats

    # at most 300 points, at evenly spaced ranks: a deterministic subsample for the fits
    m = min(len(pos), 300)
    sub = pos[np.linspace(0, len(pos) - 1, m).round().astype(int)]
    plot = (np.arange(m) + 0.5) / m
    best, best_w = None, math.inf
    with np.errstate(all="ignore"):
        for name in FAMILIES:
            try:
                params = _estimate(name, sub)
                q = getattr(stats, name).ppf(plot, *params)
            except Exception:  # noqa: BLE001 - a family that cannot be fitted is skipped
                continue
            if not np.all(np.isfinite(q)):
                continue
            w = float(np.mean(np.abs(q - sub)))  # Wasserstein-1 between sorted samples
            if w < best_w:
                best, best_w = (name, tuple(float(p) for p in params)), w
    if best is None or best_w > FIT_TOLERANCE * float(pos.mean()):
        return replace(emp, distance=best_w if best else 0.0)
    return Dist(best[0], best[1], zero_share, (), n, best_w, mean)


def _estimate(name: str, x: np.ndarray) -> tuple:
    """Parameters of family ``name`` (location 0) for positive data: maximum likelihood for the
    exponential, lognormal and gamma families; for the Weibull the moments of log x (its log is
    Gumbel-distributed), as good for choosing a family and ten times faster than the optimiser."""
    from scipy import stats

    if name == "expon":
        return (0.0, float(x.mean()))
    if name == "lognorm":
        lx = np.log(x)
        return (float(lx.std()), 0.0, float(np.exp(lx.mean())))
    if name == "weibull_min":
        lx = np.log(x)
        k = math.pi / (float(lx.std()) * math.sqrt(6))
        return (k, 0.0, float(np.exp(lx.mean() + 0.5772156649 / k)))
    return tuple(getattr(stats, name).fit(x, floc=0))


@dataclass(frozen=True)
class Arrivals:
    rate_per_day: float
    weekday: tuple  # 7 factors, Monday first, mean 1
    month: tuple  # 12 factors, January first
    time_of_day: tuple  # hours (quantiles) of first events

    def expected(self, days: np.ndarray) -> np.ndarray:
        """Expected arrivals on each local day number."""
        d = days.astype(np.int64)
        wd = (d + 3) % 7
        month = pd.to_datetime(d, unit="D").month.to_numpy() - 1
        return self.rate_per_day * np.asarray(self.weekday)[wd] * np.asarray(self.month)[month]


@dataclass(frozen=True)
class Calendar:
    workdays: tuple  # 7 booleans, Monday first
    hour_lo: float
    hour_hi: float
    swedish_holidays: bool

    def off_days(self, first: int, last: int) -> np.ndarray:
        span = np.arange(first, last + 1)
        off = ~np.asarray(self.workdays)[(span + 3) % 7]
        if self.swedish_holidays:
            off |= _holiday_mask(first, last)
        return off

    def clock(self, first: int, last: int) -> WorkClock:
        """The working-time clock over local days ``first`` … ``last``."""
        return WorkClock.build(self, first, last)


@dataclass(frozen=True)
class WorkClock:
    """Working time: a clock that runs only on working days between the working hours.

    ``w = to_work(t)`` maps a local time (days) to working time, counted in days of the same
    average length (it runs 7 / (working days a week × working hours a day) times faster than
    the wall clock while the office works and stands still otherwise), so a working-time
    delay of 14 is about two calendar weeks; ``from_work`` maps back onto the calendar: a
    time outside working hours becomes the next start of work. Durations measured on this
    clock can be added to any starting time without counting nights and weekends twice."""

    first: int
    work: np.ndarray  # per day: a working day?
    cum: np.ndarray  # working time at the start of each day (len(work) + 1 values)
    lo: float  # start and end of the working day (fraction of a day)
    hi: float
    rate: float

    @staticmethod
    def build(cal: Calendar, first: int, last: int) -> WorkClock:
        lo = min(max(cal.hour_lo / 24, 0.0), 1.0)
        hi = min(max(cal.hour_hi / 24, lo + 1 / 1440), 1.0)
        per_week = max(sum(bool(w) for w in cal.workdays), 1)
        rate = 7 / (per_week * (hi - lo))
        work = ~cal.off_days(first, last)
        cum = float(first) + np.concatenate(([0.0], np.cumsum(work * rate * (hi - lo))))
        return WorkClock(first, work, cum, lo, hi, rate)

    def to_work(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        day = np.floor(t)
        i = np.clip(day - self.first, 0, len(self.work) - 1).astype(np.int64)
        inside = np.clip(t - day - self.lo, 0.0, self.hi - self.lo)
        return self.cum[i] + np.where(self.work[i], inside * self.rate, 0.0)

    def from_work(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=np.float64)
        i = np.clip(np.searchsorted(self.cum, w, side="right") - 1, 0, len(self.work) - 1)
        return self.first + i + self.lo + (w - self.cum[i]) / self.rate


def _holiday_mask(first: int, last: int) -> np.ndarray:
    import holidays

    epoch = date(1970, 1, 1).toordinal()
    y0 = date.fromordinal(epoch + first).year
    y1 = date.fromordinal(epoch + last).year
    cal = holidays.country_holidays(
        "SE", years=range(y0, y1 + 1), categories=("public", "de_facto")
    )
    mask = np.zeros(last - first + 1, dtype=bool)
    hol = np.array([d.toordinal() - epoch for d in cal], dtype=np.int64)
    hol = hol[(hol >= first) & (hol <= last)]
    mask[hol - first] = True
    return mask


@dataclass
class Model:
    """A discovered simulation model; scenarios return changed copies (:meth:`copy`)."""

    activities: list[str]
    case_types: list[str]
    type_share: np.ndarray
    start: dict[int, tuple[np.ndarray, np.ndarray]]  # case type → (activity codes, probs)
    branches: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]  # (type, act) → (next, p)
    delays: dict[tuple[int, int, int], Dist]  # (type, act, next) → time to next event
    service: dict[int, Dist]  # act → processing time (days) where resource-bound
    capacity: int
    capacity_source: str
    arrivals: Arrivals
    calendar: Calendar
    extension_weeks: np.ndarray
    fees: dict[str, np.ndarray]
    permit: bool
    first_day: int  # local day numbers of the log the model was discovered from
    last_day: int
    n_cases: int
    max_events: int
    waiting_scale: float = 1.0  # scenario: queue part of waiting for a handler
    share_changes: list = field(default_factory=list)  # scenario: per-case shortenings
    parallel: set = field(default_factory=set)  # scenario: (a, b) run in parallel
    routes: dict = field(default_factory=dict)  # scenario: case type → (path codes, days)
    notes: list = field(default_factory=list)

    def code(self, activity: str) -> int:
        return self.activities.index(activity)

    def has(self, activity: str) -> bool:
        return activity in self.activities

    def copy(self) -> Model:
        return replace(
            self,
            start=dict(self.start),
            branches=dict(self.branches),
            delays=dict(self.delays),
            service=dict(self.service),
            share_changes=list(self.share_changes),
            parallel=set(self.parallel),
            routes=dict(self.routes),
            notes=list(self.notes),
        )

    def branch(self, ctype: int, act: int) -> tuple[np.ndarray, np.ndarray]:
        got = self.branches.get((ctype, act))
        return (
            got if got is not None else self.branches.get((-1, act), (np.array([END]), np.ones(1)))
        )

    def delay(self, ctype: int, act: int, nxt: int) -> Dist:
        got = self.delays.get((ctype, act, nxt))
        return got if got is not None else self.delays.get((-1, act, nxt), Dist("zero"))

    def describe(self) -> dict[str, Any]:
        """A plain summary (for JSON and the dashboard)."""
        families: dict[str, int] = {}
        for d in self.delays.values():
            families[d.kind] = families.get(d.kind, 0) + 1
        return {
            "activities": len(self.activities),
            "case_types": dict(
                zip(map(str, self.case_types), np.round(self.type_share, 4).tolist(), strict=True)
            ),
            "transitions": len(self.delays),
            "families": dict(sorted(families.items())),
            "capacity": self.capacity,
            "capacity_source": self.capacity_source,
            "cases_per_day": round(self.arrivals.rate_per_day, 3),
            "workdays": [i for i, w in enumerate(self.calendar.workdays) if w],
            "hours": [round(self.calendar.hour_lo, 2), round(self.calendar.hour_hi, 2)],
            "swedish_holidays": self.calendar.swedish_holidays,
        }


# --- discovery ----------------------------------------------------------------------------------


def _local_ns(ts: pd.Series) -> np.ndarray:
    """Timestamps as naive local wall-clock ns (aware → Europe/Stockholm)."""
    from kit.config import LOCAL_TZ

    s = ts
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        try:
            s = pd.to_datetime(s, format="mixed")
        except (ValueError, TypeError) as exc:
            raise DataError(f"cannot read timestamps: {exc}", column="timestamp") from None
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    if s.isna().any():
        bad = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise DataError("event without a timestamp", row=bad + 1, column="timestamp")
    return s.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _case_types(case_ids: np.ndarray, events: pd.DataFrame, cases: pd.DataFrame | None):
    """Canonical case type per case (``all`` without any)."""
    from kit.process.leadtime import normalise_case_type

    if cases is not None and "case_type" in cases.columns and len(cases):
        table = cases.drop_duplicates("case_id").set_index(
            cases.drop_duplicates("case_id")["case_id"].astype(str)
        )
        types = normalise_case_type(table["case_type"]).reindex(pd.Index(case_ids).astype(str))
        return types.fillna("unknown").to_numpy(dtype=object)
    if "case_type" in events.columns:
        first = events.drop_duplicates("case_id").set_index("case_id")["case_type"]
        first.index = first.index.astype(str)
        types = normalise_case_type(first).reindex(pd.Index(case_ids).astype(str))
        return types.fillna("unknown").to_numpy(dtype=object)
    return np.full(len(case_ids), ALL, dtype=object)


def completed_cases(events: pd.DataFrame) -> int:
    """Cases that look finished: their last activity is one that at least 5 % of the cases
    end with, or they have been quiet for longer than 99 % of the gaps between consecutive
    events of a case (a log with hundreds of activities may have no common last one)."""
    if not len(events):
        return 0
    t = _local_ns(events["timestamp"])
    case_codes, _ = pd.factorize(events["case_id"].astype(str))
    order = np.lexsort((t, case_codes))
    t, case = t[order], case_codes[order]
    last_mask = np.ones(len(t), dtype=bool)
    last_mask[:-1] = case[1:] != case[:-1]
    acts = events["activity"].astype(str).to_numpy()[order][last_mask]
    names, codes = np.unique(acts, return_inverse=True)
    counts = np.bincount(codes, minlength=len(names))
    common_end = (counts >= 0.05 * counts.sum())[codes]
    same = ~last_mask[:-1]
    gaps = np.diff(t)[same]
    quiet = (
        t[last_mask] < t.max() - np.quantile(gaps, 0.99)
        if len(gaps)
        else np.zeros(len(acts), dtype=bool)
    )
    return int((common_end | quiet).sum())


def check_enough(events: pd.DataFrame, *, what: str = "log") -> None:
    """Refuse a log too small or too short to discover from, with a clear message."""
    from kit.errors import DataError as _DataError

    if not len(events):
        raise _DataError(
            f"the {what} has no events; a simulation needs at least {MIN_CASES} completed cases"
        )
    t = _local_ns(events["timestamp"])
    span = (t.max() - t.min()) / NS_PER_DAY
    done = completed_cases(events)
    if done < MIN_CASES:
        raise _DataError(
            f"the {what} has {done} completed case(s); a simulation needs at least {MIN_CASES} "
            "to discover a model from"
        )
    if span < MIN_SPAN_DAYS:
        raise _DataError(
            f"the {what} covers {span:.0f} days; a simulation needs at least three months "
            f"({MIN_SPAN_DAYS} days) to see arrivals and waiting times"
        )


def discover(
    events: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    *,
    check: bool = True,
) -> Model:
    """A :class:`Model` from a canonical events table (and optional cases table).

    Raises :class:`kit.errors.DataError` for a log with fewer than :data:`MIN_CASES`
    completed cases or shorter than :data:`MIN_SPAN_DAYS` days (``check=False`` skips that).
    """
    from kit.process.eventlog import has_permit_activities

    for c in ("case_id", "activity", "timestamp"):
        if c not in events.columns:
            raise DataError(f"events table lacks column {c}; expected case_id, activity, timestamp")
    if check:
        check_enough(events)
    t_all = _local_ns(events["timestamp"])
    case_all = events["case_id"].astype(str).to_numpy()
    act_codes, names = pd.factorize(events["activity"].astype(str))
    case_codes, case_ids = pd.factorize(case_all)
    order = np.lexsort((t_all, case_codes))
    t = t_all[order]
    case = case_codes[order]
    act = act_codes[order].astype(np.int64)
    n = len(t)
    n_act = len(names)
    first_mask = np.ones(n, dtype=bool)
    first_mask[1:] = case[1:] != case[:-1]
    last_mask = np.ones(n, dtype=bool)
    last_mask[:-1] = case[1:] != case[:-1]

    types_per_case = _case_types(np.asarray(case_ids), events, cases)
    type_names, type_code = np.unique(types_per_case.astype(str), return_inverse=True)
    type_names = [str(x) for x in type_names]
    ctype = type_code[case]
    type_share = np.bincount(type_code, minlength=len(type_names)) / max(len(case_ids), 1)

    # first activity per case type
    start: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in range(-1, len(type_names)):
        sel = first_mask if k < 0 else first_mask & (ctype == k)
        counts = np.bincount(act[sel], minlength=n_act)
        if counts.sum():
            nz = np.flatnonzero(counts)
            start[k] = (nz, counts[nz] / counts.sum())

    # calendar
    local_day = t // NS_PER_DAY
    hours = (t % NS_PER_DAY) / 3.6e12
    wd_counts = np.bincount(((local_day + 3) % 7).astype(np.int64), minlength=7)
    workdays = tuple(bool(c >= 0.25 * wd_counts.mean()) for c in wd_counts)
    timed = hours[hours > 0] if (hours > 0).any() else np.array([8.0, 17.0])
    hour_lo, hour_hi = (float(v) for v in np.quantile(timed, [0.02, 0.98]))
    first_day, last_day = int(local_day.min()), int(local_day.max())
    swedish = has_permit_activities(events) or _tz_is_swedish(events["timestamp"])
    if swedish:
        hol = _holiday_mask(first_day, last_day)
        day_counts = np.bincount(
            (local_day - first_day).astype(np.int64), minlength=last_day - first_day + 1
        )
        span = np.arange(first_day, last_day + 1)
        work = np.asarray(workdays)[(span + 3) % 7]
        on_hol = day_counts[hol & work]
        normal = day_counts[~hol & work]
        swedish = bool(len(on_hol) and len(normal) and on_hol.mean() < 0.25 * normal.mean())
    calendar = Calendar(workdays, hour_lo, hour_hi, swedish)

    # times on the working-time clock: the delays between events count working time only
    clock = calendar.clock(first_day, last_day)
    w = clock.to_work(t / NS_PER_DAY)

    # transitions: consecutive events of a case, and last event → END
    src = act
    dst = np.where(last_mask, END, np.append(act[1:], END))
    gap = np.where(last_mask, 0, np.append(np.diff(w), 0))
    branches: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    delays: dict[tuple[int, int, int], Dist] = {}
    key = (src * (n_act + 1) + (dst + 1)).astype(np.int64)
    pooled_counts = np.bincount(key, minlength=n_act * (n_act + 1)).reshape(n_act, n_act + 1)
    for a in range(n_act):
        row = pooled_counts[a]
        if row.sum():
            nz = np.flatnonzero(row)
            branches[(-1, a)] = (nz - 1, row[nz] / row.sum())
    # pooled delays, and per case type where there are enough
    inner = ~last_mask
    grouped = pd.DataFrame({"key": key[inner], "ctype": ctype[inner], "gap": gap[inner]})
    for k, g in grouped.groupby("key", sort=True):
        a, b = divmod(int(k), n_act + 1)
        delays[(-1, a, b - 1)] = fit(g["gap"].to_numpy())
        if len(type_names) > 1:
            for ct, gg in g.groupby("ctype", sort=True):
                if len(gg) >= MIN_FIT:
                    delays[(int(ct), a, b - 1)] = fit(gg["gap"].to_numpy())
    if len(type_names) > 1:
        for ct in range(len(type_names)):
            sel = ctype == ct
            counts = np.bincount(key[sel], minlength=n_act * (n_act + 1)).reshape(n_act, n_act + 1)
            for a in range(n_act):
                row = counts[a]
                if row.sum() >= MIN_BRANCH:
                    nz = np.flatnonzero(row)
                    branches[(ct, a)] = (nz - 1, row[nz] / row.sum())

    # arrivals
    arr_t = t[first_mask]
    arr_day = arr_t // NS_PER_DAY
    span_days = max(last_day - first_day + 1, 1)
    arr_end = int(arr_day.max())
    arr_span = np.arange(int(arr_day.min()), arr_end + 1)
    rate = len(arr_t) / max(len(arr_span), 1)
    wd_arr = np.bincount(((arr_day + 3) % 7).astype(np.int64), minlength=7).astype(float)
    wd_days = np.bincount(((arr_span + 3) % 7).astype(np.int64), minlength=7).astype(float)
    weekday = np.where(wd_days > 0, wd_arr / np.maximum(wd_days, 1), 0.0) / rate
    months = pd.to_datetime(arr_day, unit="D").month.to_numpy() - 1
    m_arr = np.bincount(months, minlength=12).astype(float)
    m_days = np.bincount(pd.to_datetime(arr_span, unit="D").month.to_numpy() - 1, minlength=12)
    month = np.where(m_days > 0, m_arr / np.maximum(m_days, 1) / rate, 1.0)
    month = month / np.mean(month[m_days > 0]) if (m_days > 0).any() else month
    tod = np.quantile((arr_t % NS_PER_DAY) / 3.6e12, np.linspace(0, 1, 49))
    arrivals = Arrivals(
        float(rate), tuple(weekday.round(4)), tuple(month.round(4)), tuple(tod.round(3))
    )

    # resources, processing times and capacity
    service: dict[int, Dist] = {}
    begun = _start_times(events, order, clock)
    res_col = events["resource"] if "resource" in events.columns else None
    if res_col is not None and res_col.notna().any():
        res = res_col.astype("string").to_numpy(dtype=object, na_value=None)[order]
        has = np.array([r is not None for r in res])
        with_res = np.bincount(act[has], minlength=n_act)
        bound = np.flatnonzero(with_res > 0.5 * np.bincount(act, minlength=n_act)).tolist()
        ev = pd.DataFrame({"res": res, "t": w, "day": local_day, "act": act})[has]
        ev = ev.sort_values(["res", "t"], kind="stable")
        prev_same = (ev["res"].to_numpy()[1:] == ev["res"].to_numpy()[:-1]) & (
            ev["day"].to_numpy()[1:] == ev["day"].to_numpy()[:-1]
        )
        proc = np.full(len(ev), np.nan)
        proc[1:][prev_same] = np.diff(ev["t"].to_numpy())[prev_same]
        gap_prev = np.where(first_mask, np.inf, np.append(np.inf, np.diff(w)))
        pos = ev.index.to_numpy()  # positions in the case-ordered arrays
        proc = np.minimum(proc, gap_prev[pos])
        if begun is not None:  # a recorded start time wins over the estimate
            known = np.isfinite(begun[pos])
            proc[known] = np.maximum(w[pos][known] - begun[pos][known], 0.0)
        ev["proc"] = proc
        by_act = dict(tuple(ev.dropna(subset=["proc"]).groupby("act", sort=True)["proc"]))
        for a in bound:
            p = by_act.get(a)
            if p is not None and len(p):
                service[a] = fit(p.to_numpy())
        # the 90 days up to the last arrival: after it, the log holds only the later steps of
        # cases already there, so fewer handlers show than were at work
        arr_last = int(t[first_mask].max() // NS_PER_DAY)
        recent = ev[(ev["day"] >= arr_last - 90) & (ev["day"] <= arr_last)]
        capacity = max(int(recent["res"].nunique()), 1)
        source = "resource"
    else:
        bound = sorted(set(range(n_act)) - set(np.unique(act[first_mask])))
        handled = np.isin(act, bound)
        per_day = np.bincount(
            (local_day[handled] - first_day).astype(np.int64), minlength=span_days
        )
        work = ~calendar.off_days(first_day, last_day)
        capacity = (
            max(int(np.ceil(np.quantile(per_day[work[: len(per_day)]], 0.95))), 1)
            if work.any()
            else 1
        )
        day_len = clock.rate * max(hour_hi - hour_lo, 1.0) / 24  # one working day
        for a in bound:
            service[a] = Dist("empirical", quantiles=(day_len, day_len), n=0, mean=day_len)
        source = "throughput"

    ext = np.array([], dtype=float)
    if "extension_weeks" in events.columns:
        ext = pd.to_numeric(events["extension_weeks"], errors="coerce").dropna().to_numpy(float)
    fees: dict[str, np.ndarray] = {}
    if cases is not None and "fee_sek" in cases.columns:
        c = cases.drop_duplicates("case_id")
        from kit.process.leadtime import normalise_case_type

        ct = (
            normalise_case_type(c["case_type"])
            if "case_type" in c.columns
            else pd.Series(ALL, index=c.index)
        )
        fee = pd.to_numeric(c["fee_sek"], errors="coerce")
        for name in type_names:
            v = fee[(ct == name).to_numpy()].dropna().to_numpy(float)
            if len(v):
                fees[name] = np.sort(v)
    per_case = np.bincount(case)
    return Model(
        activities=[str(x) for x in names],
        case_types=type_names,
        type_share=type_share,
        start=start,
        branches=branches,
        delays=delays,
        service=service,
        capacity=capacity,
        capacity_source=source,
        arrivals=arrivals,
        calendar=calendar,
        extension_weeks=ext,
        fees=fees,
        permit=has_permit_activities(events),
        first_day=first_day,
        last_day=last_day,
        n_cases=len(case_ids),
        max_events=int(per_case.max()) * 2 if len(per_case) else 10,
    )


def _start_times(events: pd.DataFrame, order: np.ndarray, clock: WorkClock) -> np.ndarray | None:
    """Working-time start of each event (case order) from a ``start_timestamp`` column, NaN
    where it is empty or unreadable; None without the column (the usual one-timestamp log)."""
    if "start_timestamp" not in events.columns:
        return None
    from kit.config import LOCAL_TZ

    s = events["start_timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, format="mixed", errors="coerce")  # empty -> NaT
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    ns = s.to_numpy(dtype="datetime64[ns]")[order]
    ok = ~np.isnat(ns)
    if not ok.any():
        return None
    out = np.full(len(ns), np.nan)
    out[ok] = clock.to_work(ns[ok].astype(np.int64) / NS_PER_DAY)
    return out


def _tz_is_swedish(ts: pd.Series) -> bool:
    return isinstance(ts.dtype, pd.DatetimeTZDtype) and "Stockholm" in str(ts.dt.tz)
