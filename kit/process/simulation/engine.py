"""The discrete-event simulation of a discovered model, on SimPy.

Time runs in local days (day number since 1970-01-01 plus the fraction of the day). Each case
is a SimPy process: it arrives, records its first activity, then repeatedly picks the next
activity from the branching probabilities of its case type, waits the sampled time and
records the event, until it picks the end. A step done by a handler (resource-bound) waits the
sampled time minus its processing time, then queues for one of the ``capacity`` handlers of
the shared pool and holds one for the processing time; so more work or fewer handlers make
queues, and the baseline keeps the observed times. Every event time is moved onto the working
calendar (next working day, within working hours).

Random numbers come from one ``numpy.random.Generator`` per run, drawn in blocks per
distribution: the same model, period and seed give the same log.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.process.simulation.discovery import END, NS_PER_DAY, Dist, Model

BLOCK = 256  # draws per distribution at a time


class _Draws:
    """Blocks of draws per distribution, so one event costs an array lookup, not a scipy call."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._pools: dict[int, list] = {}

    def __call__(self, dist: Dist) -> float:
        pool = self._pools.get(id(dist))
        if pool is None or pool[1] >= len(pool[0]):
            pool = [dist.sample(self.rng, BLOCK).tolist(), 0, dist]  # keep dist alive for id()
            self._pools[id(dist)] = pool
        value = pool[0][pool[1]]
        pool[1] += 1
        return value


@dataclass
class SimLog:
    """A simulated log: events (case index, activity code, time in days) and its cases."""

    model: Model
    case: np.ndarray
    act: np.ndarray
    time: np.ndarray
    extension: np.ndarray  # weeks on deadline_extended events, NaN elsewhere
    case_type: np.ndarray  # per case: case type name
    arrival: np.ndarray  # per case: arrival time (days)
    fee: np.ndarray  # per case: fee (SEK), NaN when unknown
    prefix: str = "SIM"

    @property
    def n_events(self) -> int:
        return len(self.case)

    def case_ids(self) -> np.ndarray:
        return np.array([f"{self.prefix}-{i:06d}" for i in range(len(self.arrival))], dtype=object)

    def events(self) -> pd.DataFrame:
        """The canonical events table (naive local timestamps to the minute)."""
        ids = self.case_ids()
        ns = (np.round(self.time * 1440) * 60 * 10**9).astype(np.int64)
        names = np.asarray(self.model.activities, dtype=object)
        out = pd.DataFrame(
            {
                "case_id": ids[self.case],
                "activity": names[self.act],
                "timestamp": ns.view("datetime64[ns]"),
            }
        )
        if np.isfinite(self.extension).any():
            out["extension_weeks"] = pd.array(
                np.where(np.isfinite(self.extension), self.extension, 0).astype(np.int64),
                dtype="Int64",
            )
            out.loc[~np.isfinite(self.extension), "extension_weeks"] = pd.NA
        return out

    def cases(self) -> pd.DataFrame:
        ids = self.case_ids()
        received = (np.floor(self.arrival) * NS_PER_DAY).astype(np.int64).view("datetime64[ns]")
        return pd.DataFrame(
            {
                "case_id": ids,
                "case_type": self.case_type,
                "received": pd.Series(received).dt.date,
                "fee_sek": self.fee,
            }
        )


def _arrivals(model: Model, start_day: int, end_day: int, rng: np.random.Generator):
    """Arrival times (days) and case type codes of the cases arriving in [start_day, end_day)."""
    days = np.arange(start_day, end_day)
    counts = rng.poisson(model.arrivals.expected(days))
    day_of = np.repeat(days, counts)
    tod = np.asarray(model.arrivals.time_of_day)
    hours = np.interp(rng.random(len(day_of)), np.linspace(0, 1, len(tod)), tod)
    times = np.sort(day_of + hours / 24)
    types = rng.choice(len(model.case_types), size=len(times), p=model.type_share)
    return times, types


class _Calendar:
    """Moves a time onto the working calendar: next working day, inside working hours."""

    def __init__(self, model: Model, first: int, last: int) -> None:
        cal = model.calendar
        self.first = first
        off = cal.off_days(first, last)
        span = np.arange(first, last + 1)
        cand = np.where(off, np.iinfo(np.int64).max, span)
        self.next_work = np.minimum.accumulate(cand[::-1])[::-1].tolist()
        self.lo = cal.hour_lo / 24
        self.hi = cal.hour_hi / 24
        self.last = last

    def snap(self, t: float) -> float:
        day = int(t)
        frac = t - day
        if frac > self.hi:
            day, frac = day + 1, self.lo
        elif frac < self.lo:
            frac = self.lo
        i = day - self.first
        if 0 <= i < len(self.next_work):
            nd = self.next_work[i]
            if nd != day:
                if nd > self.last:
                    return t
                return nd + self.lo
        return day + frac


def simulate(
    model: Model,
    start_day: int,
    end_day: int,
    *,
    seed: int | np.random.SeedSequence = 0,
    horizon_day: float | None = None,
) -> SimLog:
    """Simulate the cases arriving on local days [start_day, end_day).

    ``horizon_day``: events after it are not recorded (an export cut at its extraction date);
    default: two years after ``end_day`` (practically every case finishes).
    """
    import simpy

    rng = np.random.default_rng(seed)
    draw = _Draws(rng)
    horizon = float(horizon_day) if horizon_day is not None else float(end_day + 730)
    times, types = _arrivals(model, start_day, end_day, rng)
    cal = _Calendar(model, start_day, int(horizon) + 60)
    env = simpy.Environment(initial_time=float(start_day))
    ev_case: list[int] = []
    ev_act: list[int] = []
    ev_time: list[float] = []
    ev_ext: list[float] = []
    ext_code = model.code("deadline_extended") if model.has("deadline_extended") else -2
    ext_values = model.extension_weeks
    cum: dict = {}
    ublock = [rng.random(BLOCK * 16).tolist(), 0]

    def choose(key, table=None) -> int:
        c = cum.get(key)
        if c is None:
            nxt, p = table if table is not None else model.branch(*key)
            c = (nxt.tolist(), np.cumsum(p).tolist(), len(p) - 1)
            cum[key] = c
        i = ublock[1]
        if i >= len(ublock[0]):
            ublock[0] = rng.random(BLOCK * 16).tolist()
            i = 0
        ublock[1] = i + 1
        targets, cs, top = c
        return targets[min(bisect_right(cs, ublock[0][i]), top)]

    delays: dict = {}

    def delay(key) -> float:
        d = delays.get(key)
        if d is None:
            d = delays[key] = model.delay(*key)
        return draw(d)

    starts = {k: (v[0], v[1]) for k, v in model.start.items()}
    service = model.service
    scale = model.waiting_scale
    share_changes = model.share_changes
    parallel = model.parallel
    routes = model.routes
    max_events = model.max_events

    def emit(i: int, a: int, t: float) -> None:
        if t > horizon:
            return
        ev_case.append(i)
        ev_act.append(a)
        ev_time.append(t)
        if a == ext_code and len(ext_values):
            ev_ext.append(float(ext_values[int(rng.integers(len(ext_values)))]))
        else:
            ev_ext.append(np.nan)

    free = [float(start_day)] * max(int(model.capacity), 1)  # when each handler is next free
    heapq.heapify(free)
    snap = cal.snap

    def case(i: int, ctype: int, t0: float):
        # A case keeps its own clock ``now`` and yields to SimPy only before it needs a
        # handler: requests then reach the pool in time order, so taking the handler who is
        # free first is the first-come-first-served queue of ``capacity`` servers.
        yield env.timeout(t0 - env.now)
        now = t0
        table = starts.get(ctype) or starts[-1]
        a = choose(("s", ctype), table)
        emit(i, a, now)
        # per-case draws for changes that apply to a share of the cases
        hit = [rng.random() < share for (_act, _f, share) in share_changes]
        route = routes.get(ctype)
        last = 0.0
        count = 1
        while count < max_events and now <= horizon:
            if route is not None and a == route[0][0]:
                path, days = route
                for b in path[1:]:
                    now = snap(now + days)
                    emit(i, b, now)
                    count += 1
                a = path[-1]
                route = None
                last = days
                continue
            b = choose((ctype, a))
            if b == END:
                return
            d = delay((ctype, a, b))
            for k, (act, factor, _share) in enumerate(share_changes):
                if b == act and hit[k]:
                    d *= factor
            if parallel and (a, b) in parallel:
                d = max(0.0, d - last)
            s_dist = service.get(b)
            if s_dist is not None:
                s = min(draw(s_dist), d)
                ready = now + (d - s) * scale
                if ready > horizon:
                    return
                if ready > env.now:
                    yield env.timeout(ready - env.now)
                begin = max(ready, heapq.heappop(free))
                heapq.heappush(free, begin + s)
                now = begin + s
            else:
                now = now + d
            now = snap(now)
            emit(i, b, now)
            last = d
            a = b
            count += 1

    for i, (t0, ct) in enumerate(zip(times.tolist(), types.tolist(), strict=True)):
        env.process(case(i, int(ct), t0))
    env.run(until=horizon + 1e-9)

    names = np.asarray(model.case_types, dtype=object)
    ctype_names = names[types] if len(types) else np.array([], dtype=object)
    fee = np.full(len(times), np.nan)
    for k, name in enumerate(model.case_types):
        values = model.fees.get(name)
        sel = types == k
        if values is not None and len(values) and sel.any():
            fee[sel] = values[rng.integers(len(values), size=int(sel.sum()))]
    case_arr = np.asarray(ev_case, dtype=np.int64)
    time_arr = np.asarray(ev_time, dtype=np.float64)
    order = np.lexsort((time_arr, case_arr))
    return SimLog(
        model=model,
        case=case_arr[order],
        act=np.asarray(ev_act, dtype=np.int64)[order],
        time=time_arr[order],
        extension=np.asarray(ev_ext, dtype=np.float64)[order],
        case_type=ctype_names,
        arrival=times,
        fee=fee,
    )
