"""Process figures over time: monthly trend of lead times and work in progress (WIP).

A permit log (:func:`kit.process.eventlog.has_permit_activities`) is measured from
``received`` to the decision with :func:`kit.process.leadtime.case_metrics`; any other log
from its first to its last event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kit.config import LOCAL_TZ
from kit.errors import DataError
from kit.process.eventlog import NS_PER_DAY, EventLog, has_permit_activities
from kit.process.mining import case_durations

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
        from kit.process.leadtime import case_metrics

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

    ``data``: a :func:`kit.process.leadtime.case_metrics` table (period of ``decided``, value
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
