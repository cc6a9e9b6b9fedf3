"""Consistency checks (rimlighetskontroller) on canonical events and cases.

Each check finds rows that are well-typed but implausible, and reports them with a count and
their locations. Nothing is silently fixed: :func:`run_checks` drops offending rows only for the
checks named in ``drop``, and then says how many rows it dropped.

=============================  ======  ===========================================================
check                          table   finds
=============================  ======  ===========================================================
``unknown_cases``              events  events whose ``case_id`` is not in the cases table
``duplicate_events``           events  the same (case_id, activity, timestamp) more than once
``decision_before_received``   events  a case's first ``decision`` before its first ``received``
                                       (lead-time commands exclude such cases, see
                                       :func:`exclude_cases`)
``future_timestamps``          events  timestamps after now
``received_mismatch``          cases   ``cases.received`` differs from the date of the case's
                                       first ``received`` event
``unknown_crs``                cases   a ``crs`` that is not a known coordinate reference system
``coordinates_outside_sweden`` cases   x/y that, transformed to WGS 84, fall outside Sweden
=============================  ======  ===========================================================
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kit.config import DEFAULT_CRS, LOCAL_TZ
from kit.data.schemas import Problem

#: Sweden's bounding box in WGS 84 (min_lon, min_lat, max_lon, max_lat), with a margin.
SWEDEN_BBOX = (10.0, 55.0, 24.5, 69.5)

CHECKS = (
    "unknown_cases",
    "duplicate_events",
    "decision_before_received",
    "future_timestamps",
    "received_mismatch",
    "unknown_crs",
    "coordinates_outside_sweden",
)

_PROBLEM_LIMIT = 1000  # per check; the count is always the full number


class DataWarning(UserWarning):
    """Issued by loaders when consistency checks find implausible rows (counts in the text)."""


@dataclass
class CheckResult:
    """What one check found: ``rows`` are 0-based positions in the checked table."""

    name: str
    table: str
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    @property
    def count(self) -> int:
        return int(len(self.rows))


def _result(name, table, mask_or_rows, column, message, file) -> CheckResult:
    rows = np.asarray(mask_or_rows)
    if rows.dtype == bool:
        rows = np.flatnonzero(rows)
    rows = np.sort(rows.astype(np.int64))
    text = message if callable(message) else (lambda _r: message)
    problems = [Problem(file, int(r) + 1, column, text(int(r))) for r in rows[:_PROBLEM_LIMIT]]
    return CheckResult(name, table, rows, problems)


def unknown_cases(events: pd.DataFrame, cases: pd.DataFrame, *, file=None) -> CheckResult:
    """Events whose ``case_id`` does not occur in ``cases``."""
    mask = ~events["case_id"].isin(cases["case_id"]).to_numpy(dtype=bool)
    return _result(
        "unknown_cases",
        "events",
        mask,
        "case_id",
        "event of a case that is not in the cases table",
        file,
    )


def duplicate_events(events: pd.DataFrame, *, file=None) -> CheckResult:
    """Repeated (case_id, activity, timestamp) rows; the first occurrence is not counted."""
    mask = events.duplicated(["case_id", "activity", "timestamp"], keep="first").to_numpy(
        dtype=bool
    )
    return _result(
        "duplicate_events",
        "events",
        mask,
        "activity",
        "duplicate event (same case, activity and timestamp)",
        file,
    )


def _first(events: pd.DataFrame, activity: str) -> pd.Series:
    sel = events["activity"] == activity
    return events.loc[sel].groupby("case_id", sort=False)["timestamp"].min()


def decision_before_received(events: pd.DataFrame, *, file=None) -> CheckResult:
    """Decision events of cases whose first decision precedes their first ``received``."""
    received = _first(events, "received")
    decision = np.flatnonzero(
        (events["activity"] == "decision").to_numpy(dtype=bool, na_value=False)
    )
    if len(decision) == 0 or len(received) == 0:  # Series.map of empty datetimes fails
        return _result("decision_before_received", "events", decision[:0], "timestamp", "", file)
    # map only the decision rows: mapping every event costs more than the rest of the check
    first_received = events["case_id"].iloc[decision].map(received)
    late = (events["timestamp"].iloc[decision] < first_received).to_numpy(
        dtype=bool, na_value=False
    )
    mask = np.zeros(len(events), dtype=bool)
    mask[decision[late]] = True
    return _result(
        "decision_before_received",
        "events",
        mask,
        "timestamp",
        "decision before the application was received",
        file,
    )


def future_timestamps(
    events: pd.DataFrame, *, now: pd.Timestamp | None = None, file=None
) -> CheckResult:
    """Events dated after ``now`` (default: the current time)."""
    now = now if now is not None else pd.Timestamp.now(tz=LOCAL_TZ)
    mask = (events["timestamp"] > now).to_numpy(dtype=bool, na_value=False)
    return _result(
        "future_timestamps", "events", mask, "timestamp", "timestamp is in the future", file
    )


def received_mismatch(events: pd.DataFrame, cases: pd.DataFrame, *, file=None) -> CheckResult:
    """Cases whose ``received`` date differs from the date of their first ``received`` event."""
    if "received" not in cases.columns:
        return CheckResult("received_mismatch", "cases", np.array([], dtype=np.int64))
    first = _first(events, "received").dt.tz_convert(LOCAL_TZ).dt.normalize()
    if len(first) == 0 or len(cases) == 0:  # Series.map of empty datetimes fails
        return CheckResult("received_mismatch", "cases", np.array([], dtype=np.int64))
    event_day = cases["case_id"].map(first)
    stated = cases["received"]
    if isinstance(stated.dtype, pd.DatetimeTZDtype):
        stated = stated.dt.tz_convert(LOCAL_TZ).dt.normalize()
    mask = (stated.notna() & event_day.notna() & (stated != event_day)).to_numpy(dtype=bool)

    def message(r: int) -> str:
        return (
            f"received {stated.iloc[r]:%Y-%m-%d} but the case's received event is "
            f"{event_day.iloc[r]:%Y-%m-%d}"
        )

    return _result("received_mismatch", "cases", mask, "received", message, file)


def coordinates(cases: pd.DataFrame, *, file=None) -> tuple[CheckResult, CheckResult]:
    """Check ``x``/``y`` per ``crs``: unknown CRS, and points outside Sweden in WGS 84."""
    empty = np.array([], dtype=np.int64)
    if "x" not in cases.columns or "y" not in cases.columns:
        return CheckResult("unknown_crs", "cases", empty), CheckResult(
            "coordinates_outside_sweden", "cases", empty
        )
    from pyproj import CRS, Transformer  # only when there are coordinates (0.05 s import)
    from pyproj.exceptions import CRSError

    crs = cases["crs"] if "crs" in cases.columns else pd.Series(DEFAULT_CRS, index=cases.index)
    crs = crs.fillna(DEFAULT_CRS).astype("str")
    x = cases["x"].to_numpy(dtype="float64", na_value=np.nan)
    y = cases["y"].to_numpy(dtype="float64", na_value=np.nan)
    has_xy = ~np.isnan(x) & ~np.isnan(y)
    unknown = np.zeros(len(cases), dtype=bool)
    outside = np.zeros(len(cases), dtype=bool)
    for code in crs[has_xy].unique():
        sel = has_xy & (crs == code).to_numpy(dtype=bool)
        try:
            transformer = Transformer.from_crs(
                CRS.from_user_input(code), "EPSG:4326", always_xy=True
            )
        except CRSError:
            unknown |= sel
            continue
        with np.errstate(all="ignore"):
            lon, lat = transformer.transform(x[sel], y[sel], errcheck=False)
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        min_lon, min_lat, max_lon, max_lat = SWEDEN_BBOX
        bad = ~((lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat))
        idx = np.flatnonzero(sel)
        outside[idx[bad]] = True
    codes = crs.to_numpy()
    unknown_result = _result(
        "unknown_crs",
        "cases",
        unknown,
        "crs",
        lambda r: (
            f"unknown CRS {codes[r]!r}; expected an EPSG code such as EPSG:3006 (SWEREF 99 TM)"
        ),
        file,
    )
    outside_result = _result(
        "coordinates_outside_sweden",
        "cases",
        outside,
        "x",
        lambda r: f"coordinates outside Sweden for CRS {codes[r]}",
        file,
    )
    return unknown_result, outside_result


def run_checks(
    events: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    *,
    file: str | None = None,
    cases_file: str | None = None,
    drop: Iterable[str] = (),
    now: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[CheckResult]]:
    """Run every check that the given tables allow; optionally drop offending rows.

    ``drop`` names checks (see :data:`CHECKS`, or ``"all"``) whose rows are removed; each
    result's ``dropped`` says how many rows that removed. Returns ``(events, cases, results)``.
    """
    drop = set(CHECKS) if "all" in set(drop) else set(drop)
    unknown_names = drop - set(CHECKS)
    if unknown_names:
        from kit.errors import UsageError

        raise UsageError(
            f"unknown check {sorted(unknown_names)[0]!r}; expected one of: {', '.join(CHECKS)}"
        )
    cases_file = cases_file or file
    results: list[CheckResult] = []
    if events is not None:
        if cases is not None:
            results.append(unknown_cases(events, cases, file=file))
        results.append(duplicate_events(events, file=file))
        results.append(decision_before_received(events, file=file))
        results.append(future_timestamps(events, now=now, file=file))
    if cases is not None:
        if events is not None:
            results.append(received_mismatch(events, cases, file=cases_file))
        results.extend(coordinates(cases, file=cases_file))
    for table, frame in (("events", events), ("cases", cases)):
        if frame is None:
            continue
        chosen = [r for r in results if r.table == table and r.name in drop and r.count]
        if not chosen:
            continue
        remove = np.zeros(len(frame), dtype=bool)
        for r in chosen:
            before = int(remove.sum())
            remove[r.rows] = True
            r.dropped = int(remove.sum()) - before
        kept = frame.loc[~remove].reset_index(drop=True)
        if table == "events":
            events = kept
        else:
            cases = kept
    return events, cases, results


def counts(results: list[CheckResult]) -> dict[str, int]:
    return {r.name: r.count for r in results}


def warn(results: list[CheckResult], file: str | None = None) -> None:
    """Issue one :class:`DataWarning` summarising the checks that found something."""
    found = [r for r in results if r.count]
    if not found:
        return
    parts = []
    for r in found:
        part = f"{r.name}: {r.count}"
        if r.dropped:
            part += f" ({r.dropped} rows dropped)"
        parts.append(part)
    where = f"{file}: " if file else ""
    warnings.warn(
        f"{where}consistency checks found {'; '.join(parts)} (run `testlab validate` for rows)",
        DataWarning,
        stacklevel=3,
    )


#: Checks whose cases cannot be measured: a lead-time figure computed from them is wrong, so
#: lead-time commands leave these cases out and say how many (see :func:`exclude_cases`).
UNMEASURABLE = ("decision_before_received",)


def exclude_cases(
    events: pd.DataFrame, cases: pd.DataFrame | None = None, *, file: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, int]]:
    """Leave out every case an :data:`UNMEASURABLE` check finds (all its events, its case row).

    A case whose decision precedes its application would give a negative lead time "within
    the time limit"; it is excluded, never repaired. Returns ``(events, cases, excluded)``
    where ``excluded`` maps each check to the number of cases it removed.
    """
    excluded: dict[str, int] = {}
    drop: set = set()
    finders = {"decision_before_received": decision_before_received}
    for name in UNMEASURABLE:
        result = finders[name](events, file=file)
        ids = set(events["case_id"].iloc[result.rows]) - drop
        if ids:
            excluded[name] = len(ids)
            drop |= ids
    if not drop:
        return events, cases, excluded
    keep = ~events["case_id"].isin(drop)
    events = events.loc[keep].reset_index(drop=True)
    if cases is not None and "case_id" in cases.columns:
        cases = cases.loc[~cases["case_id"].isin(drop)].reset_index(drop=True)
    return events, cases, excluded
