"""The discrete-event simulation of a discovered model.

Time runs on the model's working-time clock (:class:`kit.process.simulation.discovery.WorkClock`:
it stands still on nights, weekends and holidays), on which discovery measured the delays, so a
delay observed from Friday afternoon to Monday morning is not counted a second time when it is
added to another starting time. Each case is a generator process: it arrives, records its first
activity, then repeatedly picks the next activity from the branching probabilities of its case
type, waits the sampled time and records the event, until it picks the end. A step done by a
handler (resource-bound) waits the sampled time minus its processing time, then queues for one
of the ``capacity`` handlers of the shared pool and holds one for the processing time; so more
work or fewer handlers make queues, and the baseline keeps the observed times. At the end every
event time is mapped back onto the calendar (working days, within working hours); an arrival
keeps its own time of day. Each handled step records when its handler began it and which
handler it was (:meth:`SimLog.event_log`: the ``start_timestamp`` and ``resource`` columns of
the exported log).

A case suspends only before it needs a handler (so requests reach the pool in time order and
the handler free first serves the next request: a first-come-first-served queue of
``capacity`` servers); everything else advances the case's own clock. The scheduler is a
plain heap of (time, scheduling order) — exactly SimPy's event order for timeouts, without
its per-event objects; ``simulate(..., driver="simpy")`` runs the same processes on SimPy and
gives the identical log (a test checks it).

Random numbers come from one ``numpy.random.Generator`` per run, drawn in blocks of
:data:`BLOCK` per distribution and per branching point (a fitted family is sampled by
interpolating a table of its quantiles, computed once per process): the same model, period and
seed give the same log.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from kit.process.simulation.discovery import END, NS_PER_DAY, Dist, Model

BLOCK = 256  # draws per distribution (or branching point) at a time
TABLE = 4097  # points of the quantile table of a fitted family (probabilities 0 … 0.999)
_TABLES: dict = {}  # (family, parameters) → quantile table, per process


def _table(dist: Dist) -> np.ndarray:
    """Quantiles of ``dist``'s positive part at evenly spaced probabilities (before scaling)."""
    if dist.kind == "empirical":
        return np.asarray(dist.quantiles, dtype=np.float64)
    key = (dist.kind, dist.params)
    tab = _TABLES.get(key)
    if tab is None:
        from scipy import stats

        if len(_TABLES) > 20_000:
            _TABLES.clear()
        with np.errstate(all="ignore"):
            tab = getattr(stats, dist.kind).ppf(np.linspace(0, 0.999, TABLE), *dist.params)
        tab = _TABLES[key] = np.nan_to_num(np.asarray(tab, dtype=np.float64))
    return tab


def _dist_stream(dist: Dist, rng: np.random.Generator):
    """Endless draws (days) of ``dist``, made :data:`BLOCK` at a time (as ``Dist.sample``)."""
    if dist.kind == "zero":
        yield from repeat(0.0)
    tab = _table(dist)
    grid = np.linspace(0.0, 1.0, len(tab))
    zero, factor = dist.zero_share, dist.factor
    while True:
        u = rng.random(BLOCK)
        out = np.interp(rng.random(BLOCK), grid, tab)
        if zero > 0:
            out[u < zero] = 0.0
        yield from (np.maximum(out, 0.0) * factor).tolist()


def _choice_stream(targets: np.ndarray, p: np.ndarray, rng: np.random.Generator):
    """Endless choices among ``targets`` with probabilities ``p``, :data:`BLOCK` at a time."""
    t = np.asarray(targets, dtype=np.int64)
    if len(t) == 1:
        yield from repeat(int(t[0]))
    cum = np.cumsum(p)
    top = len(t) - 1
    while True:
        idx = np.minimum(np.searchsorted(cum, rng.random(BLOCK), side="right"), top)
        yield from t[idx].tolist()


@dataclass
class SimLog:
    """A simulated log: events (case index, activity code, time in days) and its cases."""

    model: Model
    case: np.ndarray
    act: np.ndarray
    time: np.ndarray
    extension: np.ndarray  # weeks on deadline_extended events, NaN elsewhere
    start: np.ndarray  # per event: when its handler began the work (days), NaN where unmodelled
    handler: np.ndarray  # per event: the handler (0 … capacity − 1) who did it, −1 for none
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

    def event_log(self) -> pd.DataFrame:
        """The events for other tools: :meth:`events` plus ``resource`` (the simulated handler,
        ``handler-01`` …, empty for steps no handler does) and ``start_timestamp`` (when the
        handler began the step, after any queue, on the working calendar like every event
        time; empty where the model has no processing time), both to the minute like
        ``timestamp``."""
        out = self.events()
        width = max(2, len(str(int(self.handler.max()) + 1))) if len(self.handler) else 2
        names = np.array(
            [""]
            + [f"handler-{k:0{width}d}" for k in range(1, int(self.handler.max(initial=-1)) + 2)],
            dtype=object,
        )
        out.insert(3, "resource", names[self.handler + 1])
        has = np.isfinite(self.start)
        ns = (np.round(np.where(has, self.start, 0.0) * 1440) * 60 * 10**9).astype(np.int64)
        start = pd.Series(ns.view("datetime64[ns]"))
        out.insert(4, "start_timestamp", start.where(has))
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


def _drive(cases: list, start: float, until: float) -> None:
    """Run the case processes in event order: (time, scheduling order), as SimPy would."""
    heap = []
    seq = 0
    for g in cases:
        t = next(g)
        heap.append((start + (t - start), seq, g))
        seq += 1
    heapq.heapify(heap)
    replace, pop = heapq.heapreplace, heapq.heappop
    while heap:
        t, _, g = heap[0]
        if t >= until:
            break
        try:
            nt = g.send(t)
        except StopIteration:
            pop(heap)
            continue
        replace(heap, (t + (nt - t), seq, g))
        seq += 1


def _drive_simpy(cases: list, start: float, until: float) -> None:
    """The same processes on SimPy (the reference the heap scheduler is checked against)."""
    import simpy

    env = simpy.Environment(initial_time=start)

    def proc(g):
        t = next(g)
        while True:
            yield env.timeout(t - env.now)
            try:
                t = g.send(env.now)
            except StopIteration:
                return

    for g in cases:
        env.process(proc(g))
    env.run(until=until)


def simulate(
    model: Model,
    start_day: int,
    end_day: int,
    *,
    seed: int | np.random.SeedSequence = 0,
    horizon_day: float | None = None,
    driver: str = "heap",
) -> SimLog:
    """Simulate the cases arriving on local days [start_day, end_day).

    ``horizon_day``: events after it are not recorded (an export cut at its extraction date);
    default: two years after ``end_day`` (practically every case finishes). ``driver``:
    ``"heap"`` (default) or ``"simpy"``; both give the same log.
    """
    rng = np.random.default_rng(seed)
    horizon_wall = float(horizon_day) if horizon_day is not None else float(end_day + 730)
    times, types = _arrivals(model, start_day, end_day, rng)
    # the cases run on the working-time clock (as the delays were measured); their event
    # times go back onto the calendar at the end
    wclock = model.calendar.clock(start_day, int(horizon_wall) + 60)
    horizon = float(wclock.to_work(horizon_wall))
    t_work = wclock.to_work(times)
    ev_case: list[int] = []
    ev_act: list[int] = []
    ev_time: list[float] = []
    add_case, add_act, add_time = ev_case.append, ev_act.append, ev_time.append
    # per event: when its handler began (NaN for none) and the handler (-1 none, -2 arrival)
    ev_begin: list[float] = []
    ev_h: list[int] = []
    add_begin, add_h = ev_begin.append, ev_h.append
    nan = float("nan")

    dist_streams: dict = {}  # id(dist) → stream (a Dist shared by transitions shares draws)

    def dist_stream(dist: Dist):
        st = dist_streams.get(id(dist))
        if st is None:
            st = dist_streams[id(dist)] = _dist_stream(dist, rng)
        return st

    n_codes = len(model.activities) + 1
    choosers: dict = {}  # (case type, activity) → stream of next activities
    delays: dict = {}  # (case type, activity * n_codes + next) → stream of delays

    def chooser(ctype: int, a: int):
        st = choosers[(ctype, a)] = _choice_stream(*model.branch(ctype, a), rng)
        return st

    def delayer(ctype: int, a: int, b: int):
        st = delays[(ctype, a * n_codes + b)] = dist_stream(model.delay(ctype, a, b))
        return st

    starts = {k: _choice_stream(v[0], v[1], rng) for k, v in model.start.items()}
    service = {b: dist_stream(d) for b, d in model.service.items()}
    scale = model.waiting_scale
    share_changes = model.share_changes
    # per case: whether each change that applies to a share of the cases hits it
    hits = (
        rng.random((len(times), len(share_changes))) < np.array([s for *_x, s in share_changes])
        if share_changes
        else None
    )
    parallel = model.parallel
    routes = model.routes
    max_events = model.max_events
    # (when each handler is next free, handler): the first free serves the next request
    w_start = float(wclock.to_work(float(start_day)))
    free = [(w_start, k) for k in range(max(int(model.capacity), 1))]
    heapq.heapify(free)
    replace = heapq.heapreplace

    def case(i: int, ctype: int, t0: float):
        clock = yield t0  # the time the scheduler resumed this case at
        now = t0
        a = next(starts.get(ctype) or starts[-1])
        if now <= horizon:
            add_case(i)
            add_act(a)
            add_time(now)
            add_begin(nan)
            add_h(-2)
        mods = (
            [(act, f) for (act, f, _s), h in zip(share_changes, hits[i].tolist(), strict=True) if h]
            if hits is not None
            else ()
        )
        route = routes.get(ctype)
        my_choosers = {}
        last = 0.0
        count = 1
        while count < max_events and now <= horizon:
            if route is not None and a == route[0][0]:
                path, days = route
                for b in path[1:]:
                    now = now + days
                    if now <= horizon:
                        add_case(i)
                        add_act(b)
                        add_time(now)
                        add_begin(nan)
                        add_h(-1)
                    count += 1
                a = path[-1]
                route = None
                last = days
                continue
            st = my_choosers.get(a)
            if st is None:
                st = choosers.get((ctype, a)) or chooser(ctype, a)
                my_choosers[a] = st
            b = next(st)
            if b == END:
                return
            st = delays.get((ctype, a * n_codes + b)) or delayer(ctype, a, b)
            d = next(st)
            for act, factor in mods:
                if b == act:
                    d *= factor
            if parallel and (a, b) in parallel:
                d = max(0.0, d - last)
            s_st = service.get(b)
            if s_st is not None:
                s = next(s_st)
                if s > d:
                    s = d
                ready = now + (d - s) * scale
                if ready > horizon:
                    return
                if ready > clock:
                    clock = yield ready
                f, h = free[0]
                begin = ready if ready > f else f
                now = begin + s
                replace(free, (now, h))
            else:
                now = now + d
                h = -1
                begin = nan
            if now <= horizon:
                add_case(i)
                add_act(b)
                add_time(now)
                add_begin(begin)
                add_h(h)
            last = d
            a = b
            count += 1

    procs = [
        case(i, ct, t0)
        for i, (t0, ct) in enumerate(zip(t_work.tolist(), types.tolist(), strict=True))
    ]
    run = _drive_simpy if driver == "simpy" else _drive
    run(procs, w_start, horizon + 1e-9)

    names = np.asarray(model.case_types, dtype=object)
    ctype_names = names[types] if len(types) else np.array([], dtype=object)
    fee = np.full(len(times), np.nan)
    for k, name in enumerate(model.case_types):
        values = model.fees.get(name)
        sel = types == k
        if values is not None and len(values) and sel.any():
            fee[sel] = values[rng.integers(len(values), size=int(sel.sum()))]
    case_arr = np.asarray(ev_case, dtype=np.int64)
    time_arr = wclock.from_work(np.asarray(ev_time, dtype=np.float64))
    handler = np.asarray(ev_h, dtype=np.int64)
    first = handler == -2
    time_arr[first] = times[case_arr[first]]  # an arrival keeps its own time of day
    handler[first] = -1
    act_arr = np.asarray(ev_act, dtype=np.int64)
    ext = np.full(len(act_arr), np.nan)
    if model.has("deadline_extended") and len(model.extension_weeks):
        sel = act_arr == model.code("deadline_extended")
        values = np.asarray(model.extension_weeks, dtype=np.float64)
        ext[sel] = values[rng.integers(len(values), size=int(sel.sum()))]
    start = np.asarray(ev_begin, dtype=np.float64)
    has = handler >= 0
    start[has] = np.minimum(wclock.from_work(start[has]), time_arr[has])
    order = np.lexsort((time_arr, case_arr))
    return SimLog(
        model=model,
        case=case_arr[order],
        act=act_arr[order],
        time=time_arr[order],
        extension=ext[order],
        start=start[order],
        handler=handler[order],
        case_type=ctype_names,
        arrival=times,
        fee=fee,
    )
