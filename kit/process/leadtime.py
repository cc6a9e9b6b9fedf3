"""Lead times, statutory time limits and fee reduction per permit case (handläggningstid).

The rules (Plan- och bygglagen 2010:900 as amended by SFS 2018:1136; see ``DOMAIN.md``):

* **Time limit** (tidsfrist, 9 kap. 27 §): 10 weeks for lov (bygglov, rivningslov, marklov) and
  förhandsbesked, 4 weeks for anmälan. A case type that is missing or not recognised follows
  the lov rules (10 weeks) and is flagged.
* **Clock start**: the day the application is ``received`` (ansökan inkommer). When the board
  issues a completion order (``completion_requested``, föreläggande om komplettering, 9 kap.
  22 §) within 21 days after that day (day 21 counts, day 22 does not), the clock instead starts
  on the day the defect was remedied: the last ``supplement_received`` (komplettering inkommen)
  on or after the first order and on or before ``complete`` (komplett ansökan), or ``complete``
  itself when no supplement is recorded. A log without a ``complete`` event for the case bounds
  the supplements by the decision instead (flagged). A case with a timely order and neither has
  no clock start, so no deadline and no ``within_limit`` (flagged).
* **Deadline** = clock start + limit. The decision (``decision``; for anmälan the
  ``start_clearance``, startbesked) on the deadline day is in time.
* **Extension** (förlängd tidsfrist): the first ``deadline_extended`` event dated on or before the
  deadline adds its ``extension_weeks`` (the limit itself when missing). The law allows one
  extension of at most the limit: a longer extension is still applied *as recorded* (the board
  decided it; the data should show what happened) but flagged ``extension longer than limit``;
  any further extension is ignored and flagged ``second extension``; an extension dated after the
  deadline is ignored (actions after the limit ran out do not reset it, MÖD P 6223-22) and
  flagged ``extension after deadline``.
* **Fee reduction** (avgiftsreduktion, 12 kap. 8 a §): one fifth of the fee for each *started*
  week past the deadline (``ceil(days_late / 7)``), at most the whole fee; none for cases
  received before 2019-01-01.
* **Weekends and holidays**: whether a limit ending on a Saturday, Sunday or public holiday moves
  to the next weekday (lag 1930:173) is unverified for these limits. By default it does **not**
  (the plain calendar reading). ``holiday_shift=True`` moves such a deadline to the next day that
  is not a Saturday, Sunday, Swedish public holiday, midsommarafton, julafton or nyårsafton (the
  days named in 2 § lag 1930:173; from the ``holidays`` package, country SE). The extension test
  then uses the shifted original deadline and the final deadline is shifted again after adding
  the extension to the unshifted original deadline.

All dates are local calendar dates in Europe/Stockholm: event timestamps may be timezone-aware
(converted) or naive (taken as local time). Results are naive ``datetime64`` at midnight.
Day counts are floats (NaN where a figure does not apply), so medians and means are direct.
Cases come from the events (a case listed only in ``cases`` has no row).

Everything is vectorised over NumPy arrays of day numbers: one pass for the first date of each
(case, activity), a few masked passes for supplements and extensions; no per-case Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.config import LOCAL_TZ
from kit.errors import DataError

if TYPE_CHECKING:
    from kit.process.eventlog import EventLog

LOV_TYPES = ("bygglov", "rivningslov", "marklov", "forhandsbesked")
LIMIT_WEEKS: dict[str, int] = {**{t: 10 for t in LOV_TYPES}, "anmalan": 4}
DEFAULT_LIMIT_WEEKS = 10  # unknown case types follow the lov rules
COMPLETION_ORDER_DAYS = 21  # a completion order on day 21 after arrival still moves the clock
FEE_REDUCTION_FROM = date(2019, 1, 1)
FEE_REDUCTION_PER_WEEK = 0.2
UNKNOWN_TYPE = "unknown"
NS_PER_DAY = 86_400 * 10**9

# Codes from case-management systems (ByggR) and Swedish spellings, to the canonical case type.
CASE_TYPE_ALIASES: dict[str, str] = {
    "bl": "bygglov",
    "tids": "bygglov",
    "rl": "rivningslov",
    "mark": "marklov",
    "förf": "forhandsbesked",
    "forf": "forhandsbesked",
    "förhandsbesked": "forhandsbesked",
    "anm": "anmalan",
    "attanm": "anmalan",
    "anmälan": "anmalan",
}

# Activities this module reads; their first date per case is taken in one pass.
_FIRST_OF = (
    "received",
    "completion_requested",
    "complete",
    "decision",
    "start_clearance",
    "final_clearance",
    "withdrawn",
)

COLUMNS = (
    "case_id",
    "case_type",
    "received",
    "complete",
    "decided",
    "start_clearance",
    "final_clearance",
    "completion_days",
    "handling_days",
    "lead_time_days",
    "total_days",
    "complete_on_arrival",
    "clock_start",
    "limit_weeks",
    "extension_weeks",
    "deadline",
    "within_limit",
    "days_late",
    "weeks_late_started",
    "fee_reduction_share",
    "fee_reduction_sek",
    "open",
    "days_left",
    "flags",
)


# --- dates as day numbers ---------------------------------------------------------------------


def local_days(values: Any, *, what: str = "timestamp") -> np.ndarray:
    """Local (Europe/Stockholm) calendar day numbers (days since 1970-01-01) as float, NaN for NaT.

    Accepts a Series or array of timezone-aware timestamps (converted to local time), naive
    timestamps (already local) or strings that :func:`pandas.to_datetime` parses.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    days = _iso_days(s)
    if days is not None:
        return days
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(s.dtype):
        try:
            s = pd.to_datetime(s, format="mixed")
        except (ValueError, TypeError) as exc:
            raise DataError(f"cannot read {what} as dates: {exc}", column=what) from None
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    raw = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = raw.astype(np.int64).astype(np.float64)
    out[np.isnat(raw)] = np.nan
    return out


def _iso_days(s: pd.Series) -> np.ndarray | None:
    """Day numbers of Arrow-backed text that is all plain ``YYYY-MM-DD`` dates (or missing), else
    None. Arrow reads such dates straight into day numbers, ten times faster than
    :func:`pandas.to_datetime`; anything else is left to pandas, so results do not change."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return None
    import pyarrow as pa

    try:
        raw = pa.array(s.array).cast(pa.date32())  # strict: rejects times, zones, 2019-1-1
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    days = raw.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.float64)
    days[np.asarray(raw.is_null())] = np.nan
    ok = days[~np.isnan(days)]
    if len(ok) and (ok.min() < -106_000 or ok.max() > 106_000):  # near datetime64[ns] limits
        return None
    return days


def _day_number(value: Any) -> float:
    """One date (str, date, datetime, Timestamp; tz-aware converted to local) as a day number."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(LOCAL_TZ).tz_localize(None)
    return float((ts.normalize() - pd.Timestamp("1970-01-01")).days)


def _today() -> float:
    return _day_number(pd.Timestamp.now(tz=LOCAL_TZ))


def to_dates(days: np.ndarray) -> pd.Series:
    """Day numbers (NaN = missing) back to naive ``datetime64[ns]`` dates at midnight."""
    missing = np.isnan(days)
    ns = np.where(missing, 0, days).astype(np.int64) * NS_PER_DAY
    ns[missing] = np.iinfo(np.int64).min  # the NaT bit pattern
    return pd.Series(ns.view("datetime64[ns]"))


def _off_days(first: int, last: int) -> np.ndarray:
    """Boolean per day in [first, last]: Saturday, Sunday or a day lag 1930:173 treats as one."""
    import holidays

    span = np.arange(first, last + 1)
    off = (span + 3) % 7 >= 5  # 1970-01-01 was a Thursday; Monday = 0
    start = date.fromordinal(date(1970, 1, 1).toordinal() + first)
    end = date.fromordinal(date(1970, 1, 1).toordinal() + last)
    cal = holidays.country_holidays(
        "SE", years=range(start.year, end.year + 1), categories=("public", "de_facto")
    )
    epoch = date(1970, 1, 1).toordinal()
    hol = np.array([d.toordinal() - epoch for d in cal], dtype=np.int64)
    hol = hol[(hol >= first) & (hol <= last)]
    off[hol - first] = True
    return off


def next_working_day(days: np.ndarray) -> np.ndarray:
    """Each day number moved forward to the next day that is not a weekend or Swedish holiday.

    Holidays are the public holidays plus midsommarafton, julafton and nyårsafton (lag 1930:173
    2 §). NaN stays NaN.
    """
    ok = ~np.isnan(days)
    if not ok.any():
        return days.copy()
    first, last = int(days[ok].min()), int(days[ok].max()) + 14  # no run of off days is longer
    off = _off_days(first, last)
    span = np.arange(first, last + 1)
    # next working day for every day of the span: running minimum from the right
    candidate = np.where(off, np.iinfo(np.int64).max, span)
    nxt = np.minimum.accumulate(candidate[::-1])[::-1]
    out = days.copy()
    out[ok] = nxt[days[ok].astype(np.int64) - first]
    return out


# --- the per-case table -------------------------------------------------------------------------


def _require(events: pd.DataFrame, columns: Iterable[str], what: str = "events") -> None:
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise DataError(
            f"{what} table lacks column(s) {', '.join(missing)}; "
            f"expected at least case_id, activity, timestamp (have: {', '.join(map(str, events.columns))})"
        )


def _activity_codes(activity: pd.Series, names: list[str]) -> np.ndarray:
    """Index of each event's activity in ``names`` (-1 when not there); factorises once."""
    codes, uniques = pd.factorize(activity)
    lookup = np.array(
        [names.index(u) if u in names else -1 for u in uniques] + [-1], dtype=np.int64
    )
    return lookup[codes]  # code -1 (missing activity) picks the trailing -1


def _instants(values: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds on one time line (tz-aware → UTC; naive kept as is)."""
    s = values
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, format="mixed")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def normalise_case_type(values: pd.Series) -> pd.Series:
    """Canonical case types: lower-case, ByggR codes and Swedish spellings mapped; missing → unknown."""
    codes, table = _case_type_codes(values)
    return pd.Series(table[codes], index=values.index, dtype=object)


def _case_type_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per value, canonical case type per code) as :func:`normalise_case_type` maps them;
    only the few distinct values are normalised. The last code is ``unknown`` (missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    canon = [CASE_TYPE_ALIASES.get(str(u).strip().lower(), str(u).strip().lower()) for u in uniques]
    table = np.array([c or UNKNOWN_TYPE for c in canon] + [UNKNOWN_TYPE], dtype=object)
    return np.where(codes < 0, len(table) - 1, codes).astype(np.int64), table


def _text_column(table: np.ndarray, codes: np.ndarray) -> pd.Index | np.ndarray:
    """``table[codes]`` as a column of text: pandas infers the type of the few table entries
    instead of 100,000 strings, which would cost more than all the arithmetic of case_metrics."""
    if not len(codes):
        return table[codes]  # an empty object column, as before
    return pd.Index(table).take(codes)


def _positions(
    case_ids: pd.Index, values: pd.Series, likely: np.ndarray | None = None
) -> np.ndarray:
    """Code of each value in ``case_ids`` (-1 when absent), compared as text.

    ``likely``: the codes the values probably have, in order (a cases table usually lists the
    cases in the order they first appear in the events); checking that costs a tenth of a lookup.
    """
    ids = case_ids if case_ids.dtype == "str" else case_ids.astype("str")
    vals = values if values.dtype == "str" else values.astype("str")
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # Arrow's hash lookup is about twice as fast as Index.get_indexer on strings
        id_arr, val_arr = pa.array(ids.array), pa.array(vals.array)
        if likely is not None and len(likely) == len(vals):
            same = pc.equal(id_arr.take(pa.array(likely)), val_arr)
            if pc.all(same, skip_nulls=False).as_py() is True:
                return likely.astype(np.int64)
        found = pc.index_in(val_arr, value_set=id_arr)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    except (TypeError, pa.ArrowException):
        return ids.get_indexer(vals).astype(np.int64)


def _case_attributes(
    case_ids: pd.Index, cases: pd.DataFrame | None, inp: _Inputs
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(case type code, case type per code, fee_sek, received day from the cases table), the
    arrays aligned to ``case_ids``."""
    n = len(case_ids)
    if cases is not None and len(cases) and "case_id" in cases.columns:
        pos = _positions(case_ids, cases["case_id"], inp.first_seen)
        rows = np.flatnonzero(pos >= 0)
        if len(rows) and np.bincount(pos[rows], minlength=n).max() > 1:
            # a case listed twice: its first row counts
            _, first = np.unique(pos[rows], return_index=True)
            rows = rows[np.sort(first)]
        at = pos[rows]  # case code of each used row of the cases table

        def aligned(values: np.ndarray, fill: Any) -> np.ndarray:
            out = np.full(n, fill, dtype=values.dtype)
            out[at] = values[rows]
            return out

        ctype, types = np.zeros(n, dtype=np.int64), np.array([UNKNOWN_TYPE], dtype=object)
        if "case_type" in cases.columns:
            codes, types = _case_type_codes(cases["case_type"])
            ctype = aligned(codes, len(types) - 1)  # a case missing from the table: unknown
        fee = np.full(n, np.nan)
        if "fee_sek" in cases.columns:
            fee = aligned(
                pd.to_numeric(cases["fee_sek"], errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan
                ),
                np.nan,
            )
        rec = np.full(n, np.nan)
        if "received" in cases.columns:
            rec = aligned(local_days(cases["received"], what="cases.received"), np.nan)
        return ctype, types, fee, rec
    nothing = np.full(n, np.nan)
    event_type = inp.event_case_type
    if event_type is not None:
        # a case type carried on the events: the first non-missing value of each case
        keep = pd.notna(event_type)
        first = pd.Series(event_type[keep]).groupby(inp.codes[keep]).first()
        per_case = pd.Series([None] * n, dtype=object)
        per_case.iloc[first.index.to_numpy()] = first.to_numpy()
        return (*_case_type_codes(per_case), nothing, nothing.copy())
    return (
        np.zeros(n, dtype=np.int64),
        np.array([UNKNOWN_TYPE], dtype=object),
        nothing,
        nothing.copy(),
    )


@dataclass
class _Inputs:
    """What case_metrics reads from the events, from a table or a prepared EventLog."""

    codes: np.ndarray  # case code per event (codes follow sorted case_id)
    case_ids: pd.Index
    act: np.ndarray  # index into the activity names case_metrics reads, -1 for others
    day: np.ndarray | None  # local calendar day number per event (None: from t when asked)
    frame: pd.DataFrame
    order: np.ndarray | None  # event i is frame row order[i] (None: same order)
    t: np.ndarray | None  # int64 ns per event when known
    tz: Any = None  # timezone of t (None: t is local wall-clock time)
    first_seen: np.ndarray | None = None  # case codes in order of first appearance, when known

    def _col(self, name: str, rows: np.ndarray) -> pd.Series:
        return self.frame[name].iloc[rows if self.order is None else self.order[rows]]

    @property
    def event_case_type(self) -> np.ndarray | None:
        if "case_type" not in self.frame.columns:
            return None
        values = self.frame["case_type"].to_numpy(dtype=object)
        return values if self.order is None else values[self.order]

    def days(self, rows: np.ndarray) -> np.ndarray:
        """Local day numbers of the events at ``rows`` (only those: converting is costly)."""
        if self.day is not None:
            return self.day[rows]
        if self.tz is None:
            return (self.t[rows] // NS_PER_DAY).astype(np.float64)
        return _utc_to_local_days(self.t[rows])

    def instants(self, rows: np.ndarray) -> np.ndarray:
        if self.t is not None:
            return self.t[rows]
        return _instants(self._col("timestamp", rows))

    def extension_weeks(self, rows: np.ndarray) -> np.ndarray:
        if "extension_weeks" not in self.frame.columns:
            return np.full(len(rows), np.nan)
        weeks = pd.to_numeric(self._col("extension_weeks", rows), errors="coerce")
        return weeks.to_numpy(dtype=np.float64, na_value=np.nan)


def _utc_to_local_days(t: np.ndarray) -> np.ndarray:
    """Local (Europe/Stockholm) day numbers of UTC instants in int64 ns, as float.

    Counts the local midnights at or before each instant, from a table of one midnight per day:
    a first guess from 24-hour days is off by at most one (local days are 23 to 25 hours long)
    and one comparison each way fixes it. Twice as fast as converting every timestamp.
    """
    if not len(t):
        return np.array([], dtype=np.float64)
    lo, hi = int(t.min()) // NS_PER_DAY - 1, int(t.max()) // NS_PER_DAY + 1
    local = pd.date_range(pd.Timestamp(lo, unit="D"), periods=hi - lo + 2, freq="D")
    # the first instant of each local day (a midnight lost to a clock change: the next instant)
    midnight = local.tz_localize(LOCAL_TZ, ambiguous=True, nonexistent="shift_forward")
    midnight = midnight.as_unit("ns").asi8
    k = np.clip((t - midnight[0]) // NS_PER_DAY, 0, len(midnight) - 2)
    k -= t < midnight[k]
    k += t >= midnight[k + 1]
    return (lo + k).astype(np.float64)


def _inputs(events: Any, names: list[str]) -> _Inputs:
    from kit.process.eventlog import EventLog, factorize_cases

    if isinstance(events, EventLog):
        lookup = np.array(
            [names.index(u) if u in names else -1 for u in events.names], dtype=np.int64
        )
        return _Inputs(
            codes=events.case,
            case_ids=events.case_ids,
            act=lookup[events.act] if len(lookup) else events.act,
            day=None,
            frame=events.frame,
            order=events.order,
            t=events.t,
            tz=events.tz,
            first_seen=events.case[events.starts],  # each case is one run of the log
        )
    _require(events, ("case_id", "activity", "timestamp"))
    if events["timestamp"].isna().any():
        bad = int(np.flatnonzero(events["timestamp"].isna().to_numpy())[0])
        raise DataError(
            "event without a timestamp; every event needs a date and time",
            row=bad + 1,
            column="timestamp",
        )
    codes, case_ids = factorize_cases(events["case_id"])
    return _Inputs(
        codes=codes,
        case_ids=case_ids,
        act=_activity_codes(events["activity"], names),
        day=local_days(events["timestamp"]),
        frame=events,
        order=None,
        t=None,
    )


# Every activity case_metrics reads, in the column order of its first-date table.
_READS = [*_FIRST_OF, "supplement_received", "deadline_extended"]


def case_metrics(
    events: pd.DataFrame | EventLog,
    cases: pd.DataFrame | None = None,
    *,
    holiday_shift: bool = False,
    as_of: Any = None,
) -> pd.DataFrame:
    """One row per case: dates, lead times, time limit, deadline, lateness and fee reduction.

    ``events``: canonical events (``case_id``, ``activity``, ``timestamp``; optional
    ``extension_weeks`` on ``deadline_extended`` events, optional ``case_type``).
    ``cases``: optional canonical cases (``case_id``, ``case_type``, ``fee_sek`` in SEK,
    ``received``); without it every case type is ``unknown`` and follows the lov rules.
    ``holiday_shift``: move a deadline on a weekend or holiday to the next weekday (see module
    docstring; off by default). ``as_of``: the day open cases are measured against
    (``days_left``); default today.

    Columns (dates are naive local dates, day counts floats, NaN where not applicable):
    ``case_id, case_type, received, complete, decided`` (decision, or start_clearance for
    anmälan), ``start_clearance, final_clearance, completion_days`` (received → complete),
    ``handling_days`` (complete → decided), ``lead_time_days`` (received → decided),
    ``total_days`` (received → final_clearance), ``complete_on_arrival``, ``clock_start,
    limit_weeks, extension_weeks`` (applied), ``deadline, within_limit`` (nullable bool, NA when
    open or without a deadline), ``days_late, weeks_late_started, fee_reduction_share,
    fee_reduction_sek, open`` (no decided date and not withdrawn), ``days_left`` (open cases:
    deadline − as_of; negative means already late), ``flags`` (``; ``-separated notes).

    Each step below is a function whose docstring states its rule.
    """
    inp = _inputs(events, _READS)
    ev = _read_events(inp)
    first = _first_dates(ev, len(inp.case_ids))
    kind = _case_types(inp, cases)
    dates = _key_dates(first, kind)
    clock_start = _clock_start(ev, dates)
    original = _original_deadline(clock_start, kind.limit, holiday_shift)
    ext = _extension(ev, inp, kind.limit, original)
    deadline = _deadline(clock_start, kind.limit, ext.applied, holiday_shift)
    late = _lateness(dates, deadline)
    state = _open_cases(first, dates.decided, deadline, as_of)
    flags = _flags(kind, dates, clock_start, original, ext, state)
    return _table(inp.case_ids, first, kind, dates, clock_start, ext, deadline, late, state, flags)


@dataclass
class _Events:
    """The events case_metrics reads (a quarter of a permit log is not), as arrays."""

    rows: np.ndarray  # their positions among the input's events
    case: np.ndarray  # case code
    act: np.ndarray  # index into _READS
    day: np.ndarray  # local calendar day number

    def of(self, activity: str) -> np.ndarray:
        """Mask of the events of ``activity``."""
        return self.act == _READS.index(activity)


@dataclass
class _Kind:
    """Case type and what follows from it, per case."""

    ctype: np.ndarray  # code of the case type
    types: np.ndarray  # case type per code
    fee: np.ndarray  # fee_sek, NaN when unknown
    limit: np.ndarray  # time limit in weeks
    received: np.ndarray  # received day from the cases table (NaN without one)

    @property
    def is_anmalan(self) -> np.ndarray:
        return (self.types == "anmalan")[self.ctype]


@dataclass
class _KeyDates:
    """The day numbers of each case's key events (NaN when missing)."""

    received: np.ndarray
    complete: np.ndarray
    decided: np.ndarray  # decision; startbesked for anmälan
    completion_requested: np.ndarray  # the first completion order
    order_in_time: np.ndarray  # that order came within 21 days of arrival


@dataclass
class _Extension:
    """The extensions of each case's time limit."""

    count: np.ndarray  # deadline_extended events
    first_day: np.ndarray  # day of the first one (NaN: none)
    weeks_given: np.ndarray  # its weeks (the limit when not recorded)
    applies: np.ndarray  # it came on or before the original deadline
    applied: np.ndarray  # weeks added to the limit (0 when none applies)


@dataclass
class _Lateness:
    days: np.ndarray  # days past the deadline (0 when in time)
    weeks: np.ndarray  # started weeks past it
    fee_share: np.ndarray  # share of the fee reduced
    within: Any  # nullable boolean array, NA without a verdict


@dataclass
class _State:
    withdrawn: np.ndarray
    is_open: np.ndarray
    days_left: np.ndarray


def _read_events(inp: _Inputs) -> _Events:
    """Only the events of the activities in ``_READS``, with their local day numbers."""
    rows = np.flatnonzero(inp.act >= 0)
    return _Events(rows, inp.codes[rows], inp.act[rows], inp.days(rows))


def _first_dates(ev: _Events, n: int) -> dict[str, np.ndarray]:
    """First day of each (case, activity): one scatter-min over all events read; NaN for none."""
    n_act = len(_READS)
    key = ev.case * n_act + ev.act
    first = np.full(n * n_act, np.inf)
    np.minimum.at(first, key, ev.day)
    first[np.isinf(first)] = np.nan
    first = first.reshape(n, n_act)
    return {name: first[:, i] for i, name in enumerate(_READS)}


def _case_types(inp: _Inputs, cases: pd.DataFrame | None) -> _Kind:
    """Case type, fee and time limit per case: 10 weeks for lov and förhandsbesked, 4 for
    anmälan, 10 (the lov rules) for a type that is missing or not recognised.

    Case types are small codes: per-type rules are looked up in tables of a few entries."""
    ctype, types, fee, cases_received = _case_attributes(inp.case_ids, cases, inp)
    limit = np.array([LIMIT_WEEKS.get(t, DEFAULT_LIMIT_WEEKS) for t in types], dtype=np.int64)
    return _Kind(ctype, types, fee, limit[ctype], cases_received)


def _key_dates(first: dict[str, np.ndarray], kind: _Kind) -> _KeyDates:
    """Received (from the events, else the cases table), complete, decided (the decision; for
    anmälan the startbesked), the first completion order and whether it came within 21 days
    after arrival (day 21 counts, day 22 does not)."""
    received = np.where(np.isnan(first["received"]), kind.received, first["received"])
    creq = first["completion_requested"]
    return _KeyDates(
        received=received,
        complete=first["complete"],
        decided=np.where(kind.is_anmalan, first["start_clearance"], first["decision"]),
        completion_requested=creq,
        order_in_time=(creq - received) <= COMPLETION_ORDER_DAYS,  # NaN compares False
    )


def _clock_start(ev: _Events, dates: _KeyDates) -> np.ndarray:
    """The day the time limit starts: the received day; after a completion order within
    21 days, the day the defect was remedied instead — the last ``supplement_received`` on or
    after the first order and on or before ``complete`` (on or before the decision when the
    log has no ``complete``), else ``complete`` itself. NaN when a timely order was never met."""
    bound = np.where(np.isnan(dates.complete), dates.decided, dates.complete)
    is_sup = ev.of("supplement_received")
    sup_case = ev.case[is_sup]
    sup_day = ev.day[is_sup]
    ok = (sup_day <= bound[sup_case]) & (sup_day >= dates.completion_requested[sup_case])
    last_sup = np.full(len(bound), -np.inf)
    np.maximum.at(last_sup, sup_case[ok], sup_day[ok])
    last_sup[np.isinf(last_sup)] = np.nan
    remedied = np.where(np.isnan(last_sup), dates.complete, last_sup)
    return np.where(dates.order_in_time, remedied, dates.received)


def _original_deadline(
    clock_start: np.ndarray, limit: np.ndarray, holiday_shift: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(clock start + limit, the same moved to the next working day with ``holiday_shift``):
    the deadline before any extension, and the day an extension must come by."""
    base = clock_start + 7 * limit
    return base, (next_working_day(base) if holiday_shift else base)


def _extension(
    ev: _Events, inp: _Inputs, limit: np.ndarray, original: tuple[np.ndarray, np.ndarray]
) -> _Extension:
    """The extension applied: the first ``deadline_extended`` event of the case (by time; the
    same instant keeps file order) counts when dated on or before the original deadline, with
    its ``extension_weeks`` (the limit itself when missing), also when longer than the limit."""
    n = len(limit)
    is_ext = ev.of("deadline_extended")
    ext_case = ev.case[is_ext]
    first_day = np.full(n, np.nan)
    first_weeks = np.full(n, np.nan)
    if is_ext.any():
        ext_ts = inp.instants(ev.rows[is_ext])
        weeks_col = inp.extension_weeks(ev.rows[is_ext])
        order = np.lexsort((ext_ts, ext_case))  # stable: same instant keeps file order
        oc = ext_case[order]
        is_first = np.ones(len(oc), dtype=bool)
        is_first[1:] = oc[1:] != oc[:-1]
        fidx = order[is_first]
        first_day[ext_case[fidx]] = ev.day[is_ext][fidx]
        first_weeks[ext_case[fidx]] = weeks_col[fidx]
    weeks_given = np.where(np.isnan(first_weeks), limit, first_weeks)
    applies = first_day <= original[1]  # NaN (no extension or no clock) → False
    return _Extension(
        count=np.bincount(ext_case, minlength=n),
        first_day=first_day,
        weeks_given=weeks_given,
        applies=applies,
        applied=np.where(applies, weeks_given, 0.0),
    )


def _deadline(
    clock_start: np.ndarray, limit: np.ndarray, extension: np.ndarray, holiday_shift: bool
) -> np.ndarray:
    """Clock start + limit + the extension applied, in weeks; with ``holiday_shift`` moved to
    the next working day. A decision on the deadline day is in time."""
    deadline = clock_start + 7 * (limit + extension)
    return next_working_day(deadline) if holiday_shift else deadline


def _lateness(dates: _KeyDates, deadline: np.ndarray) -> _Lateness:
    """Days late (decided − deadline, at least 0), started weeks late and the fee reduction:
    one fifth of the fee per started week, at most the whole fee, none for cases received
    before 2019-01-01. Only for cases with both a decided date and a deadline."""
    decided = dates.decided
    has_verdict = ~np.isnan(decided) & ~np.isnan(deadline)
    days = np.where(has_verdict, np.maximum(decided - deadline, 0.0), np.nan)
    weeks = np.ceil(days / 7)
    share = np.minimum(weeks * FEE_REDUCTION_PER_WEEK, 1.0)
    covered = dates.received >= _day_number(FEE_REDUCTION_FROM)
    share = np.where(has_verdict & ~covered, 0.0, share)
    within = pd.array(np.where(has_verdict, decided <= deadline, False), dtype="boolean")
    within[~has_verdict] = pd.NA
    return _Lateness(days, weeks, share, within)


def _open_cases(
    first: dict[str, np.ndarray], decided: np.ndarray, deadline: np.ndarray, as_of: Any
) -> _State:
    """Withdrawn cases, open cases (no decided date, not withdrawn) and their days left until
    the deadline on ``as_of`` (default today; negative means already late)."""
    withdrawn = ~np.isnan(first["withdrawn"])
    is_open = np.isnan(decided) & ~withdrawn
    as_of_day = _today() if as_of is None else _day_number(as_of)
    return _State(withdrawn, is_open, np.where(is_open, deadline - as_of_day, np.nan))


def _flags(
    kind: _Kind,
    dates: _KeyDates,
    clock_start: np.ndarray,
    original: tuple[np.ndarray, np.ndarray],
    ext: _Extension,
    state: _State,
) -> pd.Index | np.ndarray:
    """The notes on each case, ``; ``-separated (empty when none)."""
    ctype, types = kind.ctype, kind.types
    received, decided, creq = dates.received, dates.decided, dates.completion_requested
    in_time = dates.order_in_time
    notes = [
        ((types == UNKNOWN_TYPE)[ctype], "case type unknown, lov rules used"),
        (
            ~np.isin(types, [*LIMIT_WEEKS, UNKNOWN_TYPE])[ctype],
            "case type not recognised, lov rules used",
        ),
        (np.isnan(received), "no received date"),
        (~np.isnan(creq) & ~in_time & ~np.isnan(received), "completion order after 21 days"),
        (in_time & np.isnan(clock_start), "completion ordered, never complete"),
        (
            in_time & np.isnan(dates.complete) & ~np.isnan(clock_start),
            "no complete event, clock from last supplement",
        ),
        (ext.applies & (ext.weeks_given > kind.limit), "extension longer than limit"),
        ((ext.count >= 2) & ~np.isnan(ext.first_day), "second extension"),
        (
            ~np.isnan(ext.first_day) & ~ext.applies & ~np.isnan(original[0]),
            "extension after deadline",
        ),
        (state.withdrawn & np.isnan(decided), "withdrawn"),
        (~np.isnan(decided) & (decided < clock_start), "decided before clock start"),
    ]
    # one bit per note; the text is joined once per combination that occurs, not once per case
    bits = np.zeros(len(ctype), dtype=np.int64)
    for i, (cond, _) in enumerate(notes):
        bits |= cond.astype(np.int64) << i
    combo, combos = pd.factorize(bits)
    texts = ["; ".join(t for i, (_, t) in enumerate(notes) if b >> i & 1) for b in combos]
    return _text_column(np.array(texts, dtype=object), combo)


def _table(
    case_ids: pd.Index,
    first: dict[str, np.ndarray],
    kind: _Kind,
    dates: _KeyDates,
    clock_start: np.ndarray,
    ext: _Extension,
    deadline: np.ndarray,
    late: _Lateness,
    state: _State,
    flags: pd.Index | np.ndarray,
) -> pd.DataFrame:
    """The per-case table, columns in the order of :data:`COLUMNS`. Complete on arrival: the
    complete day is the received day and no completion was ordered."""
    received, complete, decided = dates.received, dates.complete, dates.decided
    completion_days = complete - received
    return pd.DataFrame(
        {
            "case_id": pd.Series(case_ids.array),
            "case_type": _text_column(kind.types, kind.ctype),
            "received": to_dates(received),
            "complete": to_dates(complete),
            "decided": to_dates(decided),
            "start_clearance": to_dates(first["start_clearance"]),
            "final_clearance": to_dates(first["final_clearance"]),
            "completion_days": completion_days,
            "handling_days": decided - complete,
            "lead_time_days": decided - received,
            "total_days": first["final_clearance"] - received,
            "complete_on_arrival": (completion_days == 0) & np.isnan(dates.completion_requested),
            "clock_start": to_dates(clock_start),
            "limit_weeks": kind.limit,
            "extension_weeks": ext.applied,
            "deadline": to_dates(deadline),
            "within_limit": late.within,
            "days_late": late.days,
            "weeks_late_started": late.weeks,
            "fee_reduction_share": late.fee_share,
            "fee_reduction_sek": late.fee_share * kind.fee,
            "open": state.is_open,
            "days_left": state.days_left,
            "flags": flags,
        }
    )


# --- summary ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def summarise(per_case: pd.DataFrame) -> dict[str, Any]:
    """Key figures of a :func:`case_metrics` table as plain Python numbers (None = not applicable).

    ``n_cases``; ``n_decided`` (cases with a decided date); ``median_days``, ``mean_days``,
    ``p90_days`` (lead_time_days of decided cases; p90 by linear interpolation);
    ``share_within_limit`` (of decided cases with a deadline); ``fee_reduction_sek`` (sum over
    cases with a known fee); ``share_complete_on_arrival`` (of cases with a received date; None
    when the log has no ``complete`` events at all).
    """
    n = len(per_case)
    lead = pd.to_numeric(per_case.get("lead_time_days"), errors="coerce")
    if lead is None:
        lead = pd.Series(np.nan, index=per_case.index)
    if "decided" in per_case.columns:
        decided_mask = per_case["decided"].notna().to_numpy()
    else:
        decided_mask = lead.notna().to_numpy()
    values = lead.to_numpy(dtype=np.float64, na_value=np.nan)[decided_mask]
    values = values[~np.isnan(values)]
    out: dict[str, Any] = {
        "n_cases": int(n),
        "n_decided": int(decided_mask.sum()),
        "median_days": float(np.median(values)) if len(values) else None,
        "mean_days": float(values.mean()) if len(values) else None,
        "p90_days": float(np.percentile(values, 90)) if len(values) else None,
        "share_within_limit": None,
        "fee_reduction_sek": None,
        "share_complete_on_arrival": None,
    }
    if "within_limit" in per_case.columns:
        within = per_case["within_limit"].astype("boolean")[decided_mask].dropna()
        if len(within):
            out["share_within_limit"] = float(within.astype(float).mean())
    if "fee_reduction_sek" in per_case.columns:
        fee = pd.to_numeric(per_case["fee_reduction_sek"], errors="coerce").dropna()
        if len(fee):
            out["fee_reduction_sek"] = float(fee.sum())
    if "complete_on_arrival" in per_case.columns and "complete" in per_case.columns:
        if per_case["complete"].notna().any():
            base = per_case["received"].notna() if "received" in per_case.columns else None
            coa = per_case["complete_on_arrival"].astype(bool)
            if base is not None:
                coa = coa[base.to_numpy()]
            if len(coa):
                out["share_complete_on_arrival"] = float(coa.mean())
    return {k: _plain(v) for k, v in out.items()}
