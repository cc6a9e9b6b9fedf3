"""The canonical tables (events and cases), their vocabulary, and their pandera schemas.

Every loader in :mod:`kit.data` returns frames in this form, whatever the source system wrote:

**events** (händelser) — one row per step of a case

=================  ==========================================  ================================
column             type                                        meaning
=================  ==========================================  ================================
``case_id``        str, required                               diarienummer, e.g. ``BYGG 2024-000666``
``activity``       str, required                               step, see :data:`ACTIVITIES`
``timestamp``      datetime, tz ``Europe/Stockholm``, required  when the step happened
``resource``       str, optional                               handläggare / unit
``extension_weeks`` nullable Int64, optional                   weeks added by ``deadline_extended``
=================  ==========================================  ================================

**cases** (ärenden) — one row per case: ``case_id`` (unique), ``case_type`` (see
:data:`CASE_TYPES`), optional ``received`` (date), ``municipality``, ``fee_sek``, ``property``
(fastighetsbeteckning), ``district``, ``x``, ``y`` (floats in ``crs``, default EPSG:3006),
``crs``, ``decision_outcome`` (see :data:`DECISION_OUTCOMES`). Further columns are kept.

Coercion (:func:`coerce_events`, :func:`coerce_cases`) turns the raw string columns a reader
returns into these types and reports every value it cannot convert as a :class:`Problem`
instead of raising, so ``testlab validate`` can list them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.config import DEFAULT_CRS, LOCAL_TZ
from kit.data.privacy import shown

# --- vocabulary -------------------------------------------------------------------------------

#: Canonical activities of a permit case, in process order (Swedish term in the comment).
ACTIVITIES: tuple[str, ...] = (
    "received",  # ansökan inkommen
    "completion_requested",  # föreläggande om komplettering
    "supplement_received",  # komplettering inkommen
    "complete",  # komplett ansökan
    "neighbour_consultation",  # grannehörande
    "referral",  # remiss
    "deadline_extended",  # beslut om förlängd tidsfrist
    "decision",  # beslut
    "announced",  # kungörelse i PoIT
    "legal_force",  # laga kraft
    "technical_consultation",  # tekniskt samråd
    "start_clearance",  # startbesked
    "site_visit",  # arbetsplatsbesök
    "final_consultation",  # slutsamråd
    "final_clearance",  # slutbesked
    "withdrawn",  # återkallad
)

#: Canonical case types (ärendetyper).
CASE_TYPES: tuple[str, ...] = ("bygglov", "rivningslov", "marklov", "forhandsbesked", "anmalan")

#: Case-type codes of case-management systems (ByggR) and Swedish spellings -> canonical type.
#: Attefall notifications are notifications; a time-limited permit (tidsbegränsat) is a bygglov.
CASE_TYPE_CODES: dict[str, str] = {
    "BL": "bygglov",
    "RL": "rivningslov",
    "MARK": "marklov",
    "FÖRF": "forhandsbesked",
    "FORF": "forhandsbesked",
    "ANM": "anmalan",
    "ATTANM": "anmalan",
    "TIDS": "bygglov",
    "FÖRHANDSBESKED": "forhandsbesked",
    "ANMÄLAN": "anmalan",
    **{t.upper(): t for t in CASE_TYPES},
}

#: Canonical decision outcomes (beslutsutfall).
DECISION_OUTCOMES: tuple[str, ...] = ("bifall", "avslag", "avvisning", "avskrivning")

EVENT_REQUIRED = ("case_id", "activity", "timestamp")
CASE_REQUIRED = ("case_id", "case_type")
CASE_FLOAT_COLUMNS = ("fee_sek", "x", "y")
CASE_DATE_COLUMNS = ("received",)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input table, located like a compiler error.

    ``row`` is 1-based over data rows (the header is row 0); ``None`` when the problem concerns
    the whole file or column. ``message`` never contains a personal-data value.
    """

    file: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [str(p) for p in (self.file, self.row, self.column) if p is not None]
        return f"{':'.join(where)}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


# --- plausible dates --------------------------------------------------------------------------

#: Earliest plausible date in an events or cases table: nothing in a permit register is older.
EARLIEST_DATE = "1900-01-01"
#: How far after today a date may lie (a planned step, a clock set wrong by a few months).
FUTURE_MARGIN = pd.Timedelta(days=366)


def plausible_range(now: pd.Timestamp | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(earliest, latest)`` dates accepted: 1900-01-01 to today + 1 year (local time).

    Dates outside it (``1600-01-01``, ``9999-12-31``: placeholders and typing errors) are
    problems at the row, not values to compute with. Dates after now but within the margin
    pass here and are reported by the ``future_timestamps`` consistency check.
    """
    now = now if now is not None else pd.Timestamp.now(tz=LOCAL_TZ)
    latest = (now.tz_convert(LOCAL_TZ) + FUTURE_MARGIN).normalize()
    return pd.Timestamp(EARLIEST_DATE, tz=LOCAL_TZ), latest


def _implausible(
    values: pd.Series, file, column: str, what: str
) -> tuple[pd.Series, list[Problem]]:
    """Mark dates outside :func:`plausible_range` as problems and make them missing."""
    earliest, latest = plausible_range()
    out_of_range = (values.notna() & ((values < earliest) | (values > latest))).to_numpy(
        dtype=bool, na_value=False
    )
    if not out_of_range.any():
        return values, []
    rows = np.flatnonzero(out_of_range)
    problems = [
        Problem(
            file,
            int(r) + 1,
            column,
            f"{what} {values.iloc[r]:%Y-%m-%d} is outside the plausible range "
            f"{earliest:%Y-%m-%d} to {latest:%Y-%m-%d} (today + 1 year)",
        )
        for r in rows[:1000]
    ]
    return values.where(~out_of_range), problems


# --- parsing helpers --------------------------------------------------------------------------

_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"


def _parse_one(text: str, fmt: str | None) -> pd.Timestamp:
    try:
        ts = pd.to_datetime(text, format=fmt or "ISO8601")
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if ts is pd.NaT:
        return ts
    if ts.tzinfo is None:
        return ts.tz_localize(LOCAL_TZ, ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert(LOCAL_TZ)


def parse_timestamps(values: pd.Series, fmt: str | None = None) -> tuple[pd.Series, pd.Series]:
    """See :func:`_parse_timestamps`; falls back to value-by-value parsing for odd mixtures."""
    try:
        return _parse_timestamps(values, fmt)
    except (ValueError, TypeError, OverflowError):
        # e.g. an offset without minutes ("+01") that the vectorised split did not see
        s = values.astype("str").str.strip()
        present = s.notna() & (s != "")
        parsed = [_parse_one(v, fmt) if ok else pd.NaT for v, ok in zip(s, present, strict=True)]
        out = pd.Series(pd.to_datetime(parsed, utc=True), index=s.index)
        out = out.dt.tz_convert(LOCAL_TZ).dt.as_unit("us")
        return out, present & out.isna()


def _parse_timestamps(values: pd.Series, fmt: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse strings into tz-aware ``Europe/Stockholm`` timestamps, vectorised.

    Accepts ISO 8601 dates (``2024-03-01``) and date-times (``2024-03-01 09:30``,
    ``2024-03-01T09:30:00.123+01:00``, ``...Z``) or, with ``fmt``, a ``strptime`` format.
    Values without an offset are local Swedish time (lokal tid); at the autumn DST change an
    ambiguous local time is read as summer time and a non-existent spring time is moved forward.

    Returns ``(timestamps, bad)`` where ``bad`` marks non-empty values that could not be parsed.
    """
    s = values if values.dtype == "str" else values.astype("str")
    s = s.str.strip()
    present = s.notna() & (s != "")
    out = pd.Series(pd.NaT, index=s.index, dtype=pd.DatetimeTZDtype("us", LOCAL_TZ))
    if not present.any():
        return out, pd.Series(False, index=s.index)
    has_offset = present & s.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    naive = present & ~has_offset
    kwargs = {"format": fmt} if fmt else {"format": "ISO8601"}
    if not has_offset.any() and (fmt is None or "%z" not in fmt):
        # the common case (one naive column): parse and localise in place, no masked copies
        parsed = pd.to_datetime(s, errors="coerce", **kwargs)
        out = parsed.dt.tz_localize(
            LOCAL_TZ, ambiguous=np.ones(len(parsed), dtype=bool), nonexistent="shift_forward"
        ).dt.as_unit("us")
        return out, present & out.isna()
    if has_offset.any():
        parsed = pd.to_datetime(s[has_offset], errors="coerce", utc=True, **kwargs)
        out[has_offset] = parsed.dt.tz_convert(LOCAL_TZ).dt.as_unit("us")
    if naive.any():
        parsed = pd.to_datetime(s[naive], errors="coerce", **kwargs)
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):  # a strptime format with %z
            parsed = parsed.dt.tz_convert(LOCAL_TZ)
        else:
            parsed = parsed.dt.tz_localize(
                LOCAL_TZ,
                ambiguous=np.ones(len(parsed), dtype=bool),
                nonexistent="shift_forward",
            )
        out[naive] = parsed.dt.as_unit("us")
    bad = present & out.isna()
    return out, bad


_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f]")


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written with a decimal comma or point (``1 234,5``, ``1234.5``) to float.

    Spaces (also non-breaking, as Swedish Excel writes thousands) are ignored. Returns
    ``(floats, bad)`` where ``bad`` marks non-empty values that are not numbers.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        floats = values.astype("float64")
        return floats, pd.Series(False, index=values.index)
    s = values.astype("str").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    present = s.notna() & (s != "")
    # a comma is the decimal sign only when there is no point; "1,234.5" is English thousands
    s = s.where(
        s.str.contains(".", regex=False).fillna(False), s.str.replace(",", ".", regex=False)
    )
    s = s.str.replace(",", "", regex=False).str.replace("\u2212", "-", regex=False)
    floats = pd.to_numeric(s.where(present), errors="coerce").astype("float64")
    bad = present & floats.isna()
    return floats, bad


def _problems(file, column, bad: pd.Series, message: str, limit: int = 1000) -> list[Problem]:
    rows = np.flatnonzero(bad.to_numpy(dtype=bool, na_value=False))
    return [Problem(file, int(r) + 1, column, message) for r in rows[:limit]]


def _strings(df: pd.DataFrame, column: str) -> pd.Series:
    col = df[column]
    if col.dtype != "str":
        col = col.astype("str")
    col = col.str.strip()
    return col.where(col != "")


def _missing_columns(df, required, file, kind) -> list[Problem]:
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return []
    found = ", ".join(map(str, df.columns)) or "none"
    hint = ""
    if len(df.columns) == 1 and any(ch in str(df.columns[0]) for ch in "|\t:"):
        hint = "; the separator looks wrong (expected ';' or ',')"
    return [
        Problem(
            file,
            0,
            c,
            f"missing required {kind} column {c!r} (found: {found}){hint}",
        )
        for c in missing
    ]


# --- coercion into the canonical form ---------------------------------------------------------


def coerce_events(
    df: pd.DataFrame, *, file: str | None = None, timestamp_format: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert a raw events frame (strings) to the canonical types; report what fails.

    Rows keep their order and index (0..n-1), so a problem's ``row`` is the data row number.
    """
    problems = _missing_columns(df, EVENT_REQUIRED, file, "events")
    if problems:
        return df, problems
    out = df.copy()
    for column in ("case_id", "activity"):
        out[column] = _strings(out, column)
        problems += _problems(file, column, out[column].isna(), f"{column} is empty")
    if "resource" in out.columns:
        out["resource"] = _strings(out, "resource")
    ts = out["timestamp"]
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        out["timestamp"] = ts.dt.tz_convert(LOCAL_TZ)
    elif pd.api.types.is_datetime64_dtype(ts.dtype):
        out["timestamp"] = ts.dt.tz_localize(LOCAL_TZ, ambiguous="NaT", nonexistent="shift_forward")
    else:
        parsed, bad = parse_timestamps(ts, timestamp_format)
        expected = (
            f"format {timestamp_format!r}" if timestamp_format else "an ISO 8601 date or date-time"
        )
        problems += _problems(
            file, "timestamp", bad, f"cannot parse timestamp; expected {expected}"
        )
        problems += _problems(file, "timestamp", ~bad & parsed.isna(), "timestamp is empty")
        out["timestamp"] = parsed
    if isinstance(out["timestamp"].dtype, pd.DatetimeTZDtype):
        out["timestamp"], more = _implausible(out["timestamp"], file, "timestamp", "timestamp")
        problems += more
    if "extension_weeks" in out.columns:
        floats, bad = parse_numbers(out["extension_weeks"])
        frac = floats.notna() & (floats != np.round(floats))
        problems += _problems(
            file, "extension_weeks", bad | frac, "extension_weeks must be a whole number of weeks"
        )
        out["extension_weeks"] = floats.where(~frac).round().astype("Int64")
    return out, problems


def normalise_case_types(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Map case-type codes (``BL``, ``ATTANM``, ``Förhandsbesked`` ...) to canonical types.

    Returns ``(types, bad)``; ``bad`` marks non-empty values that are not known codes.
    """
    s = values.astype("str").str.strip()
    present = s.notna() & (s != "")
    mapped = s.str.upper().map(CASE_TYPE_CODES).astype("str")
    return mapped.where(present), present & mapped.isna()


def coerce_cases(
    df: pd.DataFrame,
    *,
    file: str | None = None,
    date_format: str | None = None,
    default_crs: str = DEFAULT_CRS,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert a raw cases frame (strings) to the canonical types; report what fails."""
    problems = _missing_columns(df, CASE_REQUIRED, file, "cases")
    if problems:
        return df, problems
    out = df.copy()
    out["case_id"] = _strings(out, "case_id")
    problems += _problems(file, "case_id", out["case_id"].isna(), "case_id is empty")
    dup = out["case_id"].notna() & out["case_id"].duplicated(keep="first")
    problems += _problems(file, "case_id", dup, "case_id occurs more than once (must be unique)")
    types, bad = normalise_case_types(out["case_type"])
    raw = _strings(out, "case_type")
    for r in np.flatnonzero(bad.to_numpy(dtype=bool))[:1000]:
        problems.append(
            Problem(
                file,
                int(r) + 1,
                "case_type",
                f"unknown case type {shown(raw.iloc[r])}; expected one of "
                f"{', '.join(CASE_TYPES)} or a ByggR code (BL, RL, MARK, FÖRF, ANM, ATTANM, TIDS)",
            )
        )
    problems += _problems(file, "case_type", types.isna() & ~bad, "case_type is empty")
    out["case_type"] = types
    for column in CASE_DATE_COLUMNS:
        if column in out.columns and not pd.api.types.is_datetime64_any_dtype(out[column]):
            parsed, bad = parse_timestamps(out[column], date_format)
            problems += _problems(
                file, column, bad, f"cannot parse date; expected {date_format or 'YYYY-MM-DD'}"
            )
            out[column], more = _implausible(parsed.dt.normalize(), file, column, "date")
            problems += more
    for column in CASE_FLOAT_COLUMNS:
        if column in out.columns:
            floats, bad = parse_numbers(out[column])
            problems += _problems(file, column, bad, "expected a number (decimal comma or point)")
            out[column] = floats
    if "crs" in out.columns:
        crs = _strings(out, "crs")
        out["crs"] = crs.fillna(default_crs)
    elif "x" in out.columns or "y" in out.columns:
        out["crs"] = pd.Series(default_crs, index=out.index, dtype="str")
    if "decision_outcome" in out.columns:
        outcome = _strings(out, "decision_outcome").str.lower()
        bad = outcome.notna() & ~outcome.isin(DECISION_OUTCOMES)
        for r in np.flatnonzero(bad.to_numpy(dtype=bool))[:1000]:
            problems.append(
                Problem(
                    file,
                    int(r) + 1,
                    "decision_outcome",
                    f"unknown decision outcome {shown(outcome.iloc[r])}; expected one of "
                    f"{', '.join(DECISION_OUTCOMES)} or empty",
                )
            )
        out["decision_outcome"] = outcome
    for column in ("municipality", "property", "district"):
        if column in out.columns:
            out[column] = _strings(out, column)
    return out, problems


# --- pandera schemas: the contract the coerced frames must meet -------------------------------


def _tz_local(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.DatetimeTZDtype) and str(series.dtype.tz) == LOCAL_TZ


def event_schema():
    """The pandera schema of canonical events (built lazily: pandera is slow to import)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "case_id": pa.Column(str, nullable=False),
            "activity": pa.Column(str, nullable=False),
            "timestamp": pa.Column(
                checks=pa.Check(_tz_local, element_wise=False, error="timezone Europe/Stockholm"),
                nullable=False,
            ),
            "resource": pa.Column(str, nullable=True, required=False),
            "extension_weeks": pa.Column("Int64", pa.Check.ge(0), nullable=True, required=False),
        },
        strict=False,
        coerce=False,
        name="events",
    )


def case_schema():
    """The pandera schema of canonical cases."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "case_id": pa.Column(str, nullable=False, unique=True),
            "case_type": pa.Column(str, pa.Check.isin(CASE_TYPES), nullable=False),
            "received": pa.Column(
                checks=pa.Check(_tz_local, element_wise=False, error="timezone Europe/Stockholm"),
                nullable=True,
                required=False,
            ),
            "fee_sek": pa.Column(float, pa.Check.ge(0), nullable=True, required=False),
            "x": pa.Column(float, nullable=True, required=False),
            "y": pa.Column(float, nullable=True, required=False),
            "crs": pa.Column(str, nullable=False, required=False),
            "municipality": pa.Column(str, nullable=True, required=False),
            "property": pa.Column(str, nullable=True, required=False),
            "district": pa.Column(str, nullable=True, required=False),
            "decision_outcome": pa.Column(
                str, pa.Check.isin(DECISION_OUTCOMES), nullable=True, required=False
            ),
        },
        strict=False,
        coerce=False,
        name="cases",
    )


# The same contract checked with plain pandas, for the common case that the frame meets it:
# importing pandera (and hypothesis, which it pulls in when installed) and registering its
# backends costs about 0.3 s, most of a small command's run (`testlab leadtime`). Every
# condition here is at least as strict as the schema's, so a frame that passes would pass
# pandera too; anything else (a failure, an unfamiliar dtype) goes to pandera, whose messages
# the user sees. tests/test_schemas.py holds the two to agreeing on every failure.
_STRING, _NULLABLE_STRING, _FLOAT, _INT = "string", "nullable string", "float", "Int64"
_FAST_EVENTS: dict[str, tuple[str, bool, bool]] = {
    # column: (type, required, nullable)
    "case_id": (_STRING, True, False),
    "activity": (_STRING, True, False),
    "timestamp": ("local time", True, False),
    "resource": (_STRING, False, True),
    "extension_weeks": (_INT, False, True),
}
_FAST_CASES: dict[str, tuple[str, bool, bool]] = {
    "case_id": (_STRING, True, False),
    "case_type": (_STRING, True, False),
    "received": ("local time", False, True),
    "fee_sek": (_FLOAT, False, True),
    "x": (_FLOAT, False, True),
    "y": (_FLOAT, False, True),
    "crs": (_STRING, False, False),
    "municipality": (_STRING, False, True),
    "property": (_STRING, False, True),
    "district": (_STRING, False, True),
    "decision_outcome": (_STRING, False, True),
}


def _meets_contract(df: pd.DataFrame, kind: str) -> bool:
    """True only when ``df`` certainly passes :func:`event_schema` / :func:`case_schema`."""
    if not df.columns.is_unique:
        return False
    for column, (kind_of, required, nullable) in (
        _FAST_EVENTS if kind == "events" else _FAST_CASES
    ).items():
        if column not in df.columns:
            if required:
                return False
            continue
        series = df[column]
        dtype = series.dtype
        if kind_of == _STRING:
            ok = isinstance(dtype, pd.StringDtype)
        elif kind_of == _FLOAT:
            ok = dtype == np.float64
        elif kind_of == _INT:
            ok = dtype == pd.Int64Dtype()
        else:
            ok = _tz_local(series)
        if not ok or (not nullable and series.isna().any()):
            return False
        values = series.dropna()
        if column in ("extension_weeks", "fee_sek") and not (values >= 0).all():
            return False
        if column == "case_type" and not values.isin(CASE_TYPES).all():
            return False
        if column == "decision_outcome" and not values.isin(DECISION_OUTCOMES).all():
            return False
    return kind == "events" or df["case_id"].is_unique


def schema_problems(df: pd.DataFrame, kind: str, file: str | None = None) -> list[Problem]:
    """Validate a coerced frame against its pandera schema; failures become Problems.

    Values are not quoted in the messages: a failing value may be personal data. A frame
    that plainly meets the contract (:func:`_meets_contract`) is passed without pandera.
    """
    if _meets_contract(df, kind):
        return []
    import pandera.errors

    schema = event_schema() if kind == "events" else case_schema()
    try:
        schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems = []
        for rec in exc.failure_cases.head(1000).itertuples(index=False):
            index = rec.index
            row = int(index) + 1 if isinstance(index, (int, np.integer)) else None
            column = None if pd.isna(rec.column) else str(rec.column)
            problems.append(Problem(file, row, column, f"fails schema check {rec.check}"))
        return problems
    return []
