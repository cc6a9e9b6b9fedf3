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


def _neighbours_differ(values: pd.Series) -> np.ndarray:
    """Boolean per row after the first: differs from the row before (no missing values)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        # Arrow compares a million strings about four times faster than pandas' operator
        arr = pa.array(values.array)
        return pc.not_equal(arr[1:], arr[:-1]).to_numpy(zero_copy_only=False)
    v = values.to_numpy()
    return np.asarray(v[1:] != v[:-1], dtype=bool)


def _run_heads(values: pd.Series) -> np.ndarray | None:
    """First row of each run of equal values, or None when runs do not pay (missing values, or
    runs shorter than two rows on average)."""
    n = len(values)
    if n < 2 or values.hasnans:
        return None
    heads = np.flatnonzero(np.concatenate(([True], _neighbours_differ(values))))
    return heads if len(heads) <= n // 2 else None


def factorize_runs(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize`` (int64 codes in order of first appearance, uniques) of a column whose
    equal values mostly come in runs, as the case ids of a log grouped by case do: only the
    first row of each run is hashed, so a million events cost about as much as their cases."""
    values = pd.Series(values)
    heads = _run_heads(values)
    if heads is None:
        codes, uniques = pd.factorize(values)
        return codes.astype(np.int64), pd.Index(uniques)
    codes, uniques = pd.factorize(values.take(heads))
    runs = np.diff(np.append(heads, len(values)))
    return np.repeat(codes.astype(np.int64), runs), pd.Index(uniques)


def _case_codes(case_id: pd.Series) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray]:
    """(first-appearance code per row, uniques, perm, rank) as :func:`factorize_runs` and
    :func:`_id_order` give them. When each case is one run (a log grouped by case), the first
    rows of the runs are the uniques: sorting them, which is needed anyway, shows that they are
    distinct, and hashing is skipped."""
    values = pd.Series(case_id)
    heads = _run_heads(values)
    if heads is not None:
        first = values.take(heads)
        uniques = pd.Index(first, dtype=first.dtype)
        perm, rank = _id_order(uniques)
        if np.all(_neighbours_differ(pd.Series(uniques[perm]))):
            runs = np.diff(np.append(heads, len(values)))
            return np.repeat(np.arange(len(heads), dtype=np.int64), runs), uniques, perm, rank
    seen, uniques = factorize_runs(values)
    return (seen, uniques, *_id_order(uniques))


def factorize_cases(case_id: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, sorted case ids): codes follow case_id order. Faster than
    ``pd.factorize(sort=True)`` on string ids: the few uniques are sorted, not the rows."""
    seen, uniques, perm, rank = _case_codes(case_id)
    return rank[seen] if len(seen) else seen, uniques[perm]


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
    seen, uniques, perm, rank = _case_codes(events["case_id"])
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
        case_ids=uniques[perm],
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
    vcode, seqs, width = _variant_codes(log)
    count = np.bincount(vcode)
    keep = np.arange(len(count))
    if top is not None and top < len(count):
        # only variants that can reach the top (ties at the cut included) get a label
        keep = np.flatnonzero(count >= np.sort(count)[::-1][max(top, 1) - 1])
    duration = (log.t[log.last] - log.t[log.first]) / NS_PER_DAY
    median = pd.Series(duration).groupby(vcode).median().to_numpy(dtype=np.float64)
    acts = [np.frombuffer(seqs[int(k)].as_py(), dtype=width) for k in keep]
    out = pd.DataFrame(
        {
            "variant": [ARROW.join(log.names[a]) for a in acts],
            "n_activities": np.array([len(a) for a in acts], dtype=np.int64),
            "count": count[keep].astype(np.int64),
            "share": count[keep] / log.n_cases,
            "median_duration_days": median[keep],
        }
    )
    out = out.sort_values(["count", "variant"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    return out.head(top) if top is not None else out


def _variant_codes(log: EventLog) -> tuple[np.ndarray, Any, np.dtype]:
    """(variant code per case, activity codes of each variant as bytes, their dtype).

    The activity codes, one byte each (two or four for many activities), are cut at the case
    boundaries into one byte string per case without leaving NumPy, and Arrow hashes them;
    building them as Python strings took most of the time of :func:`variants`.
    """
    import pyarrow as pa

    m = len(log.names)
    width = np.dtype("<u1" if m <= 1 << 8 else "<u2" if m <= 1 << 16 else "<u4")
    data = np.ascontiguousarray(log.act, dtype=width)
    offsets = np.append(log.starts, log.n_events).astype(np.int64) * width.itemsize
    seqs = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(log.starts), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    ).dictionary_encode()
    vcode = np.empty(log.n_cases, dtype=np.int64)
    vcode[log.case[log.starts]] = seqs.indices.to_numpy()  # each case is one run of the log
    return vcode, seqs.dictionary, width


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
    wait = (log.t[1:] - log.t[:-1])[same]
    count, median, total, edge = _grouped_waits(src * m + tgt, wait, m * m)
    out = pd.DataFrame(
        {
            "source": log.names[edge // m] if len(edge) else np.array([], dtype=object),
            "target": log.names[edge % m] if len(edge) else np.array([], dtype=object),
            "count": count,
            "median_wait_days": median,
            "total_wait_days": total,
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


def _grouped_waits(
    key: np.ndarray, wait: np.ndarray, n_keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(count, median days, total days, key) per distinct key (ascending) of waits in int64 ns.

    One stable counting sort puts each edge's waits side by side; the median is a partition of
    each slice (on integers, faster than on floats; ns → days keeps the order, so the median is
    the one pandas gives). Half the time of three pandas group-by aggregations.
    """
    if not len(key):
        empty = np.array([], dtype=np.float64)
        return np.array([], dtype=np.int64), empty, empty.copy(), np.array([], dtype=np.int64)
    sortable = key.astype(np.uint16) if n_keys <= 1 << 16 else key  # uint16: radix sort
    order = np.argsort(sortable, kind="stable")
    ks, ws = sortable[order], wait[order]
    bounds = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
    ends = np.append(bounds[1:], len(ks))
    days = ws / NS_PER_DAY
    total = np.array([days[a:b].sum() for a, b in zip(bounds, ends, strict=True)])
    median = np.empty(len(bounds))
    for i, (a, b) in enumerate(zip(bounds.tolist(), ends.tolist(), strict=True)):
        part = ws[a:b]  # ws is our copy: partitioning it in place is fine
        lo, hi = (b - a - 1) // 2, (b - a) // 2
        part.partition((lo, hi))
        median[i] = (part[lo] / NS_PER_DAY + part[hi] / NS_PER_DAY) / 2
    return (ends - bounds).astype(np.int64), median, total, key[order[bounds]]


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
    # a few thousand distinct dates: find the period of each once, not of every case
    codes, dates = pd.factorize(when[keep])
    period = pd.DatetimeIndex(dates).to_period(freq).start_time.normalize()[codes]
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


def _count_before(cuts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of the ascending ``cuts``: how many ``values`` are smaller. Each value is put in
    the bin of the first cut above it (a few hundred cuts), so the cases need no sorting."""
    first_above = np.searchsorted(cuts, values, side="right")
    return np.cumsum(np.bincount(first_above, minlength=len(cuts) + 1))[: len(cuts)]


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
    starts = s.to_numpy(dtype="datetime64[ns]").view(np.int64)
    ends = e[e.notna().to_numpy()].to_numpy(dtype="datetime64[ns]").view(np.int64)
    started, ended = _count_before(cut, starts), _count_before(cut, ends)
    return pd.DataFrame({"period": grid, "open_cases": (started - ended).astype(np.int64)})
