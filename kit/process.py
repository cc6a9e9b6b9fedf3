"""Generic process analytics for any event log (processanalys).

Works on the canonical events table (``case_id``, ``activity``, ``timestamp``) whatever the
activity names are: the Swedish permit vocabulary, or an XES log from another country with
names such as ``Submit``, ``Review``, ``Approve``. Only :func:`monthly_trend` and
:func:`work_in_progress` use the permit vocabulary, and only when it is there
(:func:`has_permit_activities`); otherwise a case runs from its first to its last event.

Events of a case are ordered by timestamp; events with the same timestamp keep their order in
the input. Durations and waits are in days (float) measured on the absolute time line, so a
daylight-saving change does not add or remove an hour. Timezone-aware timestamps are used as
they are; naive ones are taken as local time (Europe/Stockholm).

Everything is vectorised: the log is factorised and sorted once, and each figure is a NumPy
expression or a grouped pandas aggregation over integer codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.config import LOCAL_TZ
from kit.errors import DataError

START = "[start]"  # marker node before the first event of every case
END = "[end]"  # marker node after the last event of every case
ARROW = " → "
NS_PER_DAY = 86_400 * 10**9
_CHAR0 = 0x100  # variant keys: one code point per activity, clear of control characters


@dataclass(frozen=True, eq=False)
class EventLog:
    """An event log factorised once and ordered by case, then timestamp, then input order.

    Build it with :func:`prepare` and pass it to several functions of this module (and to
    :func:`kit.leadtime.case_metrics`) instead of the events table, so the log is factorised
    and ordered only once. Cases are coded in ``case_id`` order; the events of a case are
    contiguous (in first-appearance order when the input was already grouped and ordered, which
    is then kept without sorting).
    """

    frame: pd.DataFrame  # the events table it was built from
    order: np.ndarray | None  # positions in ``frame`` of the ordered events; None = as in frame
    case: np.ndarray  # int64 case code per event (codes follow sorted case_id)
    case_ids: pd.Index  # case_id per code, sorted
    act: np.ndarray  # int64 activity code per event
    names: np.ndarray  # activity name per code
    t: np.ndarray  # int64 ns on one time line (UTC for aware input, wall clock for naive)
    tz: Any  # timezone of the input, None when naive
    starts: np.ndarray  # index of the first event of each run of a case, ascending
    first: np.ndarray  # per case code: index of its first event
    last: np.ndarray  # per case code: index of its last event

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_events(self) -> int:
        return len(self.case)

    def column(self, name: str) -> np.ndarray:
        """A further column of the events table, in this log's event order."""
        values = self.frame[name].to_numpy()
        return values if self.order is None else values[self.order]

    def times(self, ns: np.ndarray) -> pd.Series:
        """ns values back to timestamps of the input's kind (aware in its zone, or naive)."""
        s = pd.Series(ns.astype("datetime64[ns]"))
        return s.dt.tz_localize("UTC").dt.tz_convert(self.tz) if self.tz is not None else s


def _id_order(uniques: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(perm, rank): ``uniques[perm]`` is sorted; ``rank[code]`` is a code's sorted position."""
    perm = np.asarray(uniques.argsort(), dtype=np.int64)
    rank = np.empty_like(perm)
    rank[perm] = np.arange(len(perm))
    return perm, rank


def factorize_cases(case_id: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, sorted case ids): codes follow case_id order. Faster than
    ``pd.factorize(sort=True)`` on string ids: the few uniques are sorted, not the rows."""
    seen, uniques = pd.factorize(case_id)
    uniques = pd.Index(uniques)
    perm, rank = _id_order(uniques)
    return rank[seen.astype(np.int64)] if len(seen) else seen.astype(np.int64), uniques[perm]


def prepare(events: pd.DataFrame | EventLog) -> EventLog:
    """Factorise and order an events table once (``case_id``, ``activity``, ``timestamp``).

    Timestamps may be timezone-aware, naive, or strings pandas parses. Raises
    :class:`kit.errors.DataError` naming a missing column or the first row without a timestamp.
    """
    if isinstance(events, EventLog):
        return events
    missing = [c for c in ("case_id", "activity", "timestamp") if c not in events.columns]
    if missing:
        raise DataError(
            f"events table lacks column(s) {', '.join(missing)}; expected case_id, activity, "
            f"timestamp (have: {', '.join(map(str, events.columns))})"
        )
    ts = events["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts.dtype):
        try:
            ts = pd.to_datetime(ts, format="mixed")
        except (ValueError, TypeError) as exc:
            raise DataError(f"cannot read timestamps: {exc}", column="timestamp") from None
    if ts.isna().any():
        bad = int(np.flatnonzero(ts.isna().to_numpy())[0])
        raise DataError("event without a timestamp", row=bad + 1, column="timestamp")
    tz = ts.dt.tz if isinstance(ts.dtype, pd.DatetimeTZDtype) else None
    t = np.asarray(ts.array.as_unit("ns").asi8, dtype=np.int64)  # UTC when aware
    seen, uniques = pd.factorize(events["case_id"])
    seen = seen.astype(np.int64)
    perm, rank = _id_order(pd.Index(uniques))
    act, names = pd.factorize(events["activity"].astype("str"))
    act = act.astype(np.int64)
    n = len(seen)
    # most logs come grouped by case and in time order: then no sort is needed
    same = seen[1:] == seen[:-1]
    ordered = bool(np.all((seen[1:] == seen[:-1] + 1) | (same & (t[1:] >= t[:-1])))) if n else True
    order = None
    if not ordered:
        order = np.lexsort((t, seen))  # lexsort is stable: ties keep the input order
        seen, act, t = seen[order], act[order], t[order]
    case = rank[seen]
    boundary = np.empty(n, dtype=bool)
    if n:
        boundary[0] = True
        boundary[1:] = seen[1:] != seen[:-1]
    starts = np.flatnonzero(boundary)
    ends = np.append(starts[1:] - 1, n - 1) if n else starts
    first = np.empty(len(perm), dtype=np.int64)
    last = np.empty(len(perm), dtype=np.int64)
    first[case[starts]] = starts
    last[case[starts]] = ends
    return EventLog(
        frame=events,
        order=order,
        case=case,
        case_ids=pd.Index(uniques)[perm],
        act=act,
        names=np.asarray(names, dtype=object),
        t=t,
        tz=tz,
        starts=starts,
        first=first,
        last=last,
    )


_prepare = prepare


def has_permit_activities(events: pd.DataFrame | EventLog) -> bool:
    """True when the log uses the permit vocabulary: ``received`` and ``decision`` or
    ``start_clearance`` (so the PBL figures of :mod:`kit.leadtime` apply)."""
    if isinstance(events, EventLog):
        present = set(events.names)
    elif "activity" not in events.columns:
        return False
    else:
        present = set(pd.unique(events["activity"].astype("str")))
    return "received" in present and bool({"decision", "start_clearance"} & present)


# --- cases and variants ----------------------------------------------------------------------


def case_durations(events: pd.DataFrame | EventLog) -> pd.DataFrame:
    """Per case: ``case_id, start, end`` (first and last timestamp), ``duration_days`` (float)
    and ``n_events``. The generic lead time when the permit activities are absent."""
    log = _prepare(events)
    return _durations(log)


def _durations(log: EventLog) -> pd.DataFrame:
    t0, t1 = log.t[log.first], log.t[log.last]
    return pd.DataFrame(
        {
            "case_id": log.case_ids,
            "start": log.times(t0),
            "end": log.times(t1),
            "duration_days": (t1 - t0) / NS_PER_DAY,
            "n_events": (log.last - log.first + 1).astype(np.int64),
        }
    )


def variants(events: pd.DataFrame | EventLog, top: int | None = None) -> pd.DataFrame:
    """Process variants (the distinct activity sequences), most frequent first.

    Columns: ``variant`` (activities joined by `` → ``), ``n_activities``, ``count`` (cases),
    ``share`` (of all cases, 0–1), ``median_duration_days`` (first → last event of those
    cases). ``top`` keeps the first ``top`` rows. Ties in count are ordered by variant text.
    """
    log = _prepare(events)
    cols = ["variant", "n_activities", "count", "share", "median_duration_days"]
    if log.n_cases == 0:
        return pd.DataFrame({c: [] for c in cols})
    chars = np.array([chr(_CHAR0 + i) for i in range(len(log.names))], dtype=object)
    keys = np.empty(log.n_cases, dtype=object)
    keys[log.case[log.starts]] = np.add.reduceat(chars[log.act], log.starts)  # one per case
    vcode, vkeys = pd.factorize(keys)
    count = np.bincount(vcode)
    keep = np.arange(len(count))
    if top is not None and top < len(count):
        # only variants that can reach the top (ties at the cut included) get a label
        keep = np.flatnonzero(count >= np.sort(count)[::-1][max(top, 1) - 1])
    duration = (log.t[log.last] - log.t[log.first]) / NS_PER_DAY
    median = pd.Series(duration).groupby(vcode).median().to_numpy(dtype=np.float64)
    names = log.names
    out = pd.DataFrame(
        {
            "variant": [ARROW.join(names[ord(ch) - _CHAR0] for ch in vkeys[k]) for k in keep],
            "n_activities": np.array([len(vkeys[k]) for k in keep], dtype=np.int64),
            "count": count[keep].astype(np.int64),
            "share": count[keep] / log.n_cases,
            "median_duration_days": median[keep],
        }
    )
    out = out.sort_values(["count", "variant"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    return out.head(top) if top is not None else out


# --- directly-follows graph ---------------------------------------------------------------------


def directly_follows(events: pd.DataFrame | EventLog, *, markers: bool = False) -> pd.DataFrame:
    """Directly-follows graph: how often activity ``target`` comes right after ``source``.

    Columns: ``source, target, count``, ``median_wait_days`` and ``total_wait_days`` (time
    between the two events). ``markers=True`` adds edges from :data:`START` to each case's first
    activity and from its last activity to :data:`END` (wait 0). Sorted by count, most first.

    ``attrs`` carries ``activity_counts`` (events per activity) and ``median_position`` (median
    0-based index of the activity within its case), which :mod:`kit.processmap` uses for layout.
    """
    log = _prepare(events)
    return _dfg(log, markers=markers)


def _dfg(log: EventLog, *, markers: bool) -> pd.DataFrame:
    m = len(log.names)
    same = log.case[1:] == log.case[:-1]
    src = log.act[:-1][same]
    tgt = log.act[1:][same]
    wait = (log.t[1:] - log.t[:-1])[same] / NS_PER_DAY
    grouped = pd.Series(wait).groupby(src * m + tgt)
    agg = pd.DataFrame(
        {
            "count": grouped.size(),
            "median_wait_days": grouped.median(),
            "total_wait_days": grouped.sum(),
        }
    )
    keys = agg.index.to_numpy()
    out = pd.DataFrame(
        {
            "source": log.names[keys // m] if len(keys) else np.array([], dtype=object),
            "target": log.names[keys % m] if len(keys) else np.array([], dtype=object),
            "count": agg["count"].to_numpy(dtype=np.int64),
            "median_wait_days": agg["median_wait_days"].to_numpy(dtype=np.float64),
            "total_wait_days": agg["total_wait_days"].to_numpy(dtype=np.float64),
        }
    )
    if markers and log.n_cases:
        ends = []
        for node, idx, is_start in ((START, log.first, True), (END, log.last, False)):
            c = np.bincount(log.act[idx], minlength=m)
            nz = np.flatnonzero(c)
            names = log.names[nz]
            ends.append(
                pd.DataFrame(
                    {
                        "source": [node] * len(nz) if is_start else names,
                        "target": names if is_start else [node] * len(nz),
                        "count": c[nz].astype(np.int64),
                        "median_wait_days": 0.0,
                        "total_wait_days": 0.0,
                    }
                )
            )
        out = pd.concat([out, *ends], ignore_index=True)
    out = out.sort_values(
        ["count", "source", "target"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    counts = np.bincount(log.act, minlength=m)
    out.attrs["activity_counts"] = {str(log.names[i]): int(counts[i]) for i in range(m)}
    out.attrs["median_position"] = dict(
        zip(map(str, log.names), _median_positions(log), strict=True)
    )
    if markers:
        out.attrs["median_position"][START] = -1.0
        out.attrs["median_position"][END] = float(np.inf)
    return out


def _median_positions(log: EventLog) -> list[float]:
    """Median 0-based index of each activity within its case, from a histogram per activity
    (positions are small integers, so this avoids sorting all events)."""
    m = len(log.names)
    if not log.n_events:
        return [float("nan")] * m
    position = np.arange(log.n_events) - log.first[log.case]
    width = int(position.max()) + 1
    hist = np.bincount(log.act * width + position, minlength=m * width).reshape(m, width)
    cum = hist.cumsum(axis=1)
    n = cum[:, -1]
    # median of n sorted values: mean of the values at ranks (n-1)//2 and n//2
    lo = (cum <= ((n - 1) // 2)[:, None]).sum(axis=1)
    hi = (cum <= (n // 2)[:, None]).sum(axis=1)
    return [float(v) if c else float("nan") for v, c in zip((lo + hi) / 2, n, strict=True)]


def bottlenecks(events: pd.DataFrame | EventLog, top: int | None = 10) -> pd.DataFrame:
    """Transitions holding the most total waiting time (flaskhalsar).

    ``events`` is an events table or a :func:`directly_follows` result. Columns: ``source,
    target, count, median_wait_days, total_wait_days, share_of_waiting`` (of the waiting time
    of all transitions, 0–1). Marker edges are left out.
    """
    is_dfg = isinstance(events, pd.DataFrame) and {"source", "target"} <= set(events.columns)
    dfg = events if is_dfg else directly_follows(events)
    dfg = dfg[~dfg["source"].isin([START]) & ~dfg["target"].isin([END])]
    total = float(dfg["total_wait_days"].sum())
    out = dfg.assign(share_of_waiting=dfg["total_wait_days"] / total if total > 0 else 0.0)
    out = out.sort_values(
        ["total_wait_days", "count"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)
    out.attrs = {}
    return out.head(top) if top is not None else out


# --- over time --------------------------------------------------------------------------------


def _local_naive(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    return pd.to_datetime(values)


def _per_case(data: pd.DataFrame | EventLog) -> tuple[pd.DataFrame, str, str, str]:
    """(per-case table, start column, end column, value column) for the trend functions."""
    if isinstance(data, pd.DataFrame):
        if "lead_time_days" in data.columns:
            return data, "received", "decided", "lead_time_days"
        if "duration_days" in data.columns:
            return data, "start", "end", "duration_days"
    if has_permit_activities(data):
        from kit.leadtime import case_metrics

        return case_metrics(data), "received", "decided", "lead_time_days"
    return case_durations(data), "start", "end", "duration_days"


def monthly_trend(
    data: pd.DataFrame | EventLog,
    *,
    freq: str = "M",
    date_column: str | None = None,
    value_column: str | None = None,
) -> pd.DataFrame:
    """Lead time per month (or other period) of decision (trend per beslutsmånad).

    ``data``: a :func:`kit.leadtime.case_metrics` table (period of ``decided``, value
    ``lead_time_days``), a :func:`case_durations` table (period of ``end``, value
    ``duration_days``), or an events table (turned into one of those; permit logs via
    ``case_metrics``). ``freq``: a pandas period alias, ``"M"`` month, ``"Q"`` quarter, ``"Y"``.

    Columns: ``period`` (first day of the period), ``n_decided``, ``median_days``,
    ``mean_days``, and ``share_within_limit`` when the table has ``within_limit``.
    Periods without decisions are left out.
    """
    table, _, end, value = _per_case(data)
    end = date_column or end
    value = value_column or value
    if end not in table.columns or value not in table.columns:
        raise DataError(f"monthly_trend needs columns {end!r} and {value!r}")
    when = _local_naive(table[end])
    keep = when.notna().to_numpy()
    period = when[keep].dt.to_period(freq).dt.start_time.dt.normalize()
    frame = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "v": pd.to_numeric(table[value], errors="coerce")[keep].to_numpy(),
        }
    )
    has_limit = "within_limit" in table.columns
    if has_limit:
        frame["w"] = (
            table["within_limit"]
            .astype("boolean")[keep]
            .astype("Float64")
            .to_numpy(dtype=np.float64, na_value=np.nan)
        )
    grouped = frame.groupby("period", sort=True)
    out = pd.DataFrame(
        {
            "n_decided": grouped.size(),
            "median_days": grouped["v"].median(),
            "mean_days": grouped["v"].mean(),
        }
    )
    if has_limit:
        out["share_within_limit"] = grouped["w"].mean()
    return out.reset_index()


def work_in_progress(
    data: pd.DataFrame | EventLog, freq: str = "W", *, as_of: Any = None
) -> pd.DataFrame:
    """Number of open cases (pågående ärenden) at the end of each period.

    ``data``: a ``case_metrics`` table (open from ``received`` until ``decided``; withdrawn
    cases without a decision are left out, as their end is unknown there), a
    :func:`case_durations` table (``start`` → ``end``), or an events table (permit logs:
    received → decided; other logs: first → last event). ``freq``: a pandas offset alias
    (``"W"`` weeks ending Sunday, ``"ME"`` month ends, ``"D"`` days). ``as_of``: last period
    end (default: the latest start or end in the data). A case is open at time T when it
    started on or before T and has not ended by T.

    Columns: ``period`` (end of the period), ``open_cases``.
    """
    table, start, end, _ = _per_case(data)
    s = _local_naive(table[start])
    e = _local_naive(table[end])
    keep = s.notna().to_numpy()
    if "open" in table.columns:  # withdrawn: neither decided nor open
        keep = keep & (table["open"].astype(bool) | e.notna()).to_numpy()
    s, e = s[keep], e[keep]
    if s.empty:
        return pd.DataFrame({"period": pd.Series([], dtype="datetime64[ns]"), "open_cases": []})
    last = (
        pd.Timestamp(as_of)
        if as_of is not None
        else max(s.max(), e.max() if e.notna().any() else s.max())
    )
    if last.tzinfo is not None:
        last = last.tz_convert(LOCAL_TZ).tz_localize(None)
    grid = pd.date_range(s.min().normalize(), last, freq=freq)
    if len(grid) == 0 or grid[-1] < last.normalize():
        grid = grid.append(pd.DatetimeIndex([last.normalize()]))
    grid_ns = grid.as_unit("ns").asi8
    # a period's end is the whole day: compare with the start of the next day
    cut = grid_ns + NS_PER_DAY
    starts = np.sort(s.to_numpy(dtype="datetime64[ns]").view(np.int64))
    ends = e[e.notna().to_numpy()].to_numpy(dtype="datetime64[ns]").view(np.int64)
    ends = np.sort(ends)
    started = np.searchsorted(starts, cut, side="left")
    ended = np.searchsorted(ends, cut, side="left")
    return pd.DataFrame({"period": grid, "open_cases": (started - ended).astype(np.int64)})
