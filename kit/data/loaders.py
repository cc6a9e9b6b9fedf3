"""The public loaders: any supported file in, canonical and pseudonymised tables out.

Accepted files, chosen by extension: ``.csv`` (Swedish Excel dialects, see :mod:`kit.data.readers`),
``.xlsx``, ``.xes`` and ``.xes.gz`` (IEEE 1849, see :mod:`kit.data.xes`). A mapping file
(:mod:`kit.data.mapping`) turns a system's own export (e.g. ByggR) into the canonical tables
described in :mod:`kit.data.schemas` and ``datasets/README.md``.

Every loader pseudonymises personal data (personnummer, samordningsnummer, organisation
numbers, applicant names) before returning; ``pseudonymise=False`` exists for tests only.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.data import checks as _checks
from kit.data import privacy
from kit.data.schemas import Problem, coerce_cases, coerce_events, schema_problems
from kit.errors import DataError

KINDS = ("events", "cases")


def _is_xes(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".xes") or name.endswith(".xes.gz")


def _mapping(mapping):
    if mapping is None:
        return None
    from kit.data.mapping import load_mapping

    return load_mapping(mapping)


def _raise_problems(problems: list[Problem], file: str) -> None:
    if not problems:
        return
    first = problems[0]
    more = (
        f" (and {len(problems) - 1} more problems; run `testlab validate {file}`)"
        if len(problems) > 1
        else ""
    )
    raise DataError(
        first.message + more, file=first.file or file, row=first.row, column=first.column
    )


def _prepare(
    raw: pd.DataFrame, kind: str, mapping, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Mapping, then type coercion; returns the frame and every problem found on the way."""
    problems: list[Problem] = []
    fmt = None
    crs_default = None
    if mapping is not None:
        raw, problems = mapping.apply(raw, kind, file=file)
        table = mapping.events if kind == "events" else mapping.cases
        fmt = table.fmt
        crs_default = table.crs
    if kind == "events":
        df, more = coerce_events(raw, file=file, timestamp_format=fmt)
    else:
        kwargs = {"default_crs": crs_default} if crs_default else {}
        df, more = coerce_cases(raw, file=file, date_format=fmt, **kwargs)
    return df, problems + more


def _read(path: Path, mapping) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Raw frame(s) of a file: ``(table, None)`` or, for XES, ``(events, cases)``."""
    if _is_xes(path):
        from kit.data.xes import read_xes

        return read_xes(path)
    from kit.data.readers import read_table

    return read_table(path, sheet=mapping.sheet if mapping is not None else None), None


def _finish(df: pd.DataFrame, pseudonymise: bool) -> pd.DataFrame:
    if pseudonymise:
        df, _ = privacy.pseudonymise(df)
    return df


def load_events(path, *, mapping=None, pseudonymise=True, check=True) -> pd.DataFrame:
    """Load canonical events (händelser) from CSV, XLSX, XES or XES.GZ.

    ``mapping``: a mapping file (path) for a system's own export. With ``check`` (default) the
    table is validated — any problem raises :class:`DataError` with its location — and the
    consistency checks run: what they find is reported as a :class:`kit.data.checks.DataWarning`
    with counts and in ``df.attrs["checks"]``, never fixed. ``check=False`` skips both (values
    that cannot be parsed become missing).
    """
    p = Path(path)
    m = _mapping(mapping)
    raw, _cases = _read(p, m)
    return _events_from(raw, str(p), m, pseudonymise, check)


def _events_from(raw, file, m, pseudonymise, check) -> pd.DataFrame:
    df, problems = _prepare(raw, "events", m, file)
    structural = [q for q in problems if q.row == 0]
    _raise_problems(structural, file)
    df = _finish(df, pseudonymise)
    if check:
        # coercion problems are the more precise; the schema is the contract behind them
        _raise_problems(problems or schema_problems(df, "events", file), file)
        _, _, results = _checks.run_checks(df, None, file=file)
        _checks.warn(results, file)
        df.attrs["checks"] = _checks.counts(results)
    return df


def load_cases(path, *, mapping=None, pseudonymise=True) -> pd.DataFrame:
    """Load canonical cases (ärenden) from CSV or XLSX (or the trace attributes of an XES log).

    The table is validated (problems raise :class:`DataError` with their location); coordinate
    checks are reported as a :class:`kit.data.checks.DataWarning` and in ``df.attrs["checks"]``.
    """
    p = Path(path)
    file = str(p)
    m = _mapping(mapping)
    raw, xes_cases = _read(p, m)
    if _is_xes(p):
        if xes_cases is None:
            raise DataError("the log has no trace attributes to read cases from", file=file)
        raw = xes_cases
    return _cases_from(raw, file, m, pseudonymise)


def _cases_from(raw, file, m, pseudonymise) -> pd.DataFrame:
    df, problems = _prepare(raw, "cases", m, file)
    df = _finish(df, pseudonymise)
    _raise_problems(problems or schema_problems(df, "cases", file), file)
    _, _, results = _checks.run_checks(None, df, file=file)
    _checks.warn(results, file)
    df.attrs["checks"] = _checks.counts(results)
    return df


def load_log(path, *, mapping=None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Load an event log: ``(events, cases)``.

    An XES log gives both (trace attributes become cases, ``concept:name`` the case_id; the
    cases are canonical only when the traces carry a ``case_type``, otherwise they are returned
    as read). A CSV/XLSX file gives ``(events, None)``.
    """
    p = Path(path)
    file = str(p)
    m = _mapping(mapping)
    raw, raw_cases = _read(p, m)  # once: a large log is not parsed twice
    events = _events_from(raw, file, m, True, True)
    if raw_cases is None:
        return events, None
    if "case_type" in raw_cases.columns or (
        m is not None and "case_type" in m.cases.columns.values()
    ):
        cases = _cases_from(raw_cases, file, m, True)
    else:
        cases = _finish(raw_cases, True)
    return events, cases


# --- bundled samples --------------------------------------------------------------------------


@dataclass
class Sample:
    """A municipality's sample data: canonical ``events`` and ``cases``."""

    municipality: str
    events: pd.DataFrame
    cases: pd.DataFrame


@functools.lru_cache(maxsize=16)
def _load_sample_cached(events: str, cases: str, _stamp: tuple, _key_id: str | None) -> tuple:
    ev = load_events(events)
    ca = load_cases(cases)
    return ev, ca


def load_sample(municipality: str) -> Sample:
    """The sample data of a bundled municipality (``alingsas``, ``linkoping``, ``umea``).

    Reads ``<datasets>/<municipality>/events.csv`` and ``cases.csv``. Results are cached in
    the process (keyed by path and modification time), so dashboards can call this on every
    filter change; each call returns fresh frame objects, so callers may modify them.
    """
    from kit.config import datasets_dir

    folder = datasets_dir() / str(municipality)
    events, cases = folder / "events.csv", folder / "cases.csv"
    for f in (events, cases):
        if not f.is_file():
            raise DataError(
                f"no sample data for {municipality!r}: {f.name} is missing (run `testlab synth`)",
                file=str(f),
            )
    stamp = (
        events.stat().st_mtime_ns,
        events.stat().st_size,
        cases.stat().st_mtime_ns,
        cases.stat().st_size,
    )
    key_id = os.environ.get(privacy.KEY_ENV)
    ev, ca = _load_sample_cached(str(events), str(cases), stamp, key_id)
    ev2, ca2 = ev.copy(deep=False), ca.copy(deep=False)
    ev2.attrs, ca2.attrs = dict(ev.attrs), dict(ca.attrs)
    return Sample(municipality=str(municipality), events=ev2, cases=ca2)


# --- validation -------------------------------------------------------------------------------


@dataclass
class ValidationReport:
    """Result of :func:`validate_file`. ``problems`` never quote personal data."""

    file: str
    kind: str | None
    valid: bool
    rows: int
    columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    personal_data_columns: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "rows": self.rows,
            "problems": [p.to_dict() for p in self.problems],
            "personal_data_columns": list(self.personal_data_columns),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _detect_kind(df: pd.DataFrame, mapping) -> str:
    if "activity" in df.columns:
        return "events"
    if mapping is not None and "activity" in mapping.events.columns.values():
        if any(s in df.columns for s, t in mapping.events.columns.items() if t == "activity"):
            return "events"
    return "cases"


def validate_file(path, *, kind=None, mapping=None) -> ValidationReport:
    """Check a file against the canonical tables without loading it for analysis.

    ``kind``: ``"events"``, ``"cases"`` or None (auto: a table with an ``activity`` column is
    events). Reports every problem found (type errors, schema, consistency checks) with its
    location and count, and the columns holding personal data (names only, never values).
    Never raises for bad input: an unreadable file is an invalid report with one problem.
    """
    p = Path(path)
    file = str(p)
    if kind is not None and kind not in KINDS:
        from kit.errors import UsageError

        raise UsageError(f"unknown kind {kind!r}; expected events or cases")
    try:
        m = _mapping(mapping)
    except DataError as exc:
        return ValidationReport(
            file, kind, False, 0, problems=[Problem(exc.file, exc.row, exc.column, exc.message)]
        )
    try:
        raw, xes_cases = _read(p, m)
    except DataError as exc:
        problem = Problem(exc.file or file, exc.row, exc.column, exc.message)
        return ValidationReport(file, kind, False, 0, problems=[problem])
    if _is_xes(p):
        kind = kind or "events"
        if kind == "cases":
            raw = xes_cases if xes_cases is not None else pd.DataFrame()
    kind = kind or _detect_kind(raw, m)
    df, problems = _prepare(raw, kind, m, file)
    report = ValidationReport(file, kind, False, int(len(df)), columns=[str(c) for c in df.columns])
    pseudonymised, report.personal_data_columns = privacy.pseudonymise(df, key=b"validate-only")
    if not problems:  # coercion problems are the more precise; do not repeat them
        problems = schema_problems(pseudonymised, kind, file)
    if not problems:
        events = pseudonymised if kind == "events" else None
        cases = pseudonymised if kind == "cases" else None
        if kind == "events" and xes_cases is not None and "case_type" in xes_cases.columns:
            cdf, cprob = _prepare(xes_cases, "cases", m, file)
            if not cprob:
                cases = cdf
        _, _, results = _checks.run_checks(events, cases, file=file)
        report.counts = _checks.counts(results)
        for r in results:
            problems.extend(r.problems)
    report.problems = problems
    report.valid = not problems
    return report
