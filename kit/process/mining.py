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

from typing import Any

import numpy as np
import pandas as pd

from kit.process.eventlog import (
    ARROW,
    END,
    NS_PER_DAY,
    START,
    EventLog,
    prepare,
)

# --- cases and variants ----------------------------------------------------------------------


def case_durations(events: pd.DataFrame | EventLog) -> pd.DataFrame:
    """Per case: ``case_id, start, end`` (first and last timestamp), ``duration_days`` (float)
    and ``n_events``. The generic lead time when the permit activities are absent."""
    log = prepare(events)
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
    log = prepare(events)
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
    0-based index of the activity within its case), which :mod:`kit.process.processmap` uses for layout.
    """
    log = prepare(events)
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
