"""The prepared event log: factorised and ordered once, shared by every process figure.

Events of a case are ordered by timestamp; events with the same timestamp keep their order in
the input. Durations are in days measured on the absolute time line. Timezone-aware timestamps
are used as they are; naive ones are taken as local time (Europe/Stockholm).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import DataError

START = "[start]"  # marker node before the first event of every case
END = "[end]"  # marker node after the last event of every case
ARROW = " → "
NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True, eq=False)
class EventLog:
    """An event log factorised once and ordered by case, then timestamp, then input order.

    Build it with :func:`prepare` and pass it to several functions of this module (and to
    :func:`kit.process.leadtime.case_metrics`) instead of the events table, so the log is factorised
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


def has_permit_activities(events: pd.DataFrame | EventLog) -> bool:
    """True when the log uses the permit vocabulary: ``received`` and ``decision`` or
    ``start_clearance`` (so the PBL figures of :mod:`kit.process.leadtime` apply)."""
    if isinstance(events, EventLog):
        present = set(events.names)
    elif "activity" not in events.columns:
        return False
    else:
        present = set(pd.unique(events["activity"].astype("str")))
    return "received" in present and bool({"decision", "start_clearance"} & present)
