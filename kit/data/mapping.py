"""Mapping files: how one case-management system's export becomes the canonical tables.

A mapping is a small YAML file (see ``datasets/mappings/byggr.yml`` for a documented example)::

    system: ByggR                 # free text, shown in messages
    sheet: Händelser              # optional: the .xlsx sheet to read
    events:
      columns:                    # export column -> canonical column (others are kept as is)
        Diarienummer: case_id
        Händelse: activity
        Datum: timestamp
      activities:                 # export activity code -> canonical activity
        ANSÖKAN: received
        BESLUT: decision
      unmapped_activities: error  # error (default) | keep: codes missing from `activities`
      timestamp_format: "%Y-%m-%d %H:%M"   # optional strptime format; default ISO 8601
    cases:
      columns: {Diarienummer: case_id, Ärendetyp: case_type, Inkommen: received}
      case_types: {NYBYGG: bygglov}         # optional, on top of the built-in ByggR codes
      decision_outcomes: {Beviljas: bifall}  # optional
      date_format: "%Y-%m-%d"               # optional; default ISO 8601
      crs: EPSG:3007                        # CRS of x/y when the export has no crs column

Activity and case-type codes match after trimming and ignoring case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kit.config import DEFAULT_CRS
from kit.data.privacy import shown
from kit.data.schemas import (
    ACTIVITIES,
    CASE_REQUIRED,
    CASE_TYPES,
    DECISION_OUTCOMES,
    EVENT_REQUIRED,
    Problem,
)
from kit.errors import DataError

_TOP_KEYS = {"system", "description", "sheet", "events", "cases"}
_EVENT_KEYS = {"columns", "activities", "unmapped_activities", "timestamp_format"}
_CASE_KEYS = {"columns", "case_types", "decision_outcomes", "date_format", "crs"}


@dataclass
class TableMapping:
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> code map
    unmapped: str = "keep"
    fmt: str | None = None
    crs: str = DEFAULT_CRS


@dataclass
class Mapping:
    """A parsed mapping file; use :meth:`apply` on a raw frame."""

    path: str
    system: str
    sheet: str | None
    events: TableMapping
    cases: TableMapping

    def apply(
        self, raw: pd.DataFrame, kind: str, *, file: str | None = None
    ) -> tuple[pd.DataFrame, list[Problem]]:
        """Rename columns and translate codes of a raw ``events`` or ``cases`` frame."""
        table = self.events if kind == "events" else self.cases
        problems: list[Problem] = []
        missing = [c for c in table.columns if c not in raw.columns]
        # Exports differ in optional columns; only a missing required column is a problem.
        required = EVENT_REQUIRED if kind == "events" else CASE_REQUIRED
        for source in missing:
            target = table.columns[source]
            if target in required and target not in raw.columns:
                found = ", ".join(map(str, raw.columns)) or "none"
                problems.append(
                    Problem(
                        file,
                        0,
                        source,
                        f"mapping {Path(self.path).name} expects column {source!r} (for {target}); found: {found}",
                    )
                )
        out = raw.rename(columns={s: t for s, t in table.columns.items() if s in raw.columns})
        for column, codes in table.values.items():
            if column not in out.columns or not codes:
                continue
            raw_values = out[column].astype("str").str.strip()
            key = raw_values.str.upper()
            mapped = key.map(codes)
            unmapped = raw_values.notna() & (raw_values != "") & mapped.isna()
            if column == "activity" and table.unmapped == "error" and unmapped.any():
                rows = np.flatnonzero(unmapped.to_numpy(dtype=bool))
                for r in rows[:1000]:
                    problems.append(
                        Problem(
                            file,
                            int(r) + 1,
                            column,
                            f"activity code {shown(raw_values.iloc[r])} is not in the activities of mapping "
                            f"{Path(self.path).name}",
                        )
                    )
            out[column] = mapped.where(~unmapped, raw_values).astype("str")
        return out, problems


def _section(data: dict, name: str, allowed: set[str], path: str) -> dict:
    section = data.get(name) or {}
    if not isinstance(section, dict):
        raise DataError(f"'{name}' must be a mapping of settings", file=path, column=name)
    unknown = set(section) - allowed
    if unknown:
        raise DataError(
            f"unknown key {sorted(unknown)[0]!r} in '{name}'; expected: {', '.join(sorted(allowed))}",
            file=path,
            column=name,
        )
    return section


def _str_dict(
    value, where: str, path: str, allowed: tuple[str, ...] | None = None
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataError(f"'{where}' must map names to names", file=path, column=where)
    out = {}
    for k, v in value.items():
        if not isinstance(v, str) or k is None:
            raise DataError(
                f"'{where}': {k!r} must map to a name, not {v!r}", file=path, column=where
            )
        if allowed is not None and v not in allowed:
            raise DataError(
                f"'{where}': {k!r} maps to {v!r}; expected one of {', '.join(allowed)}",
                file=path,
                column=where,
            )
        out[str(k).strip()] = v
    return out


def load_mapping(path: str | Path | Mapping) -> Mapping:
    """Read and check a mapping YAML file. Raises :class:`DataError` naming the bad key."""
    from kit.data.readers import read_yaml

    if isinstance(path, Mapping):
        return path
    p = Path(path)
    file = str(p)
    data = read_yaml(p, "mapping file")
    if not isinstance(data, dict):
        raise DataError(
            "a mapping file must be a YAML mapping with 'events' and/or 'cases'", file=file
        )
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise DataError(
            f"unknown key {sorted(unknown)[0]!r}; expected: {', '.join(sorted(_TOP_KEYS))}",
            file=file,
        )
    ev = _section(data, "events", _EVENT_KEYS, file)
    ca = _section(data, "cases", _CASE_KEYS, file)
    unmapped = ev.get("unmapped_activities", "error")
    if unmapped not in ("error", "keep"):
        raise DataError(
            f"'events.unmapped_activities' is {unmapped!r}; expected error or keep",
            file=file,
            column="events",
        )
    activities = _str_dict(ev.get("activities"), "events.activities", file, ACTIVITIES)
    case_types = _str_dict(ca.get("case_types"), "cases.case_types", file, CASE_TYPES)
    outcomes = _str_dict(
        ca.get("decision_outcomes"), "cases.decision_outcomes", file, DECISION_OUTCOMES
    )
    crs = ca.get("crs", DEFAULT_CRS)
    if not isinstance(crs, str):
        raise DataError(
            f"'cases.crs' must be a string such as EPSG:3006, not {crs!r}",
            file=file,
            column="cases",
        )
    for key, section in (
        ("events.timestamp_format", ev.get("timestamp_format")),
        ("cases.date_format", ca.get("date_format")),
    ):
        if section is not None and not isinstance(section, str):
            raise DataError(f"'{key}' must be a strptime format string", file=file, column=key)
    return Mapping(
        path=file,
        system=str(data.get("system") or p.stem),
        sheet=data.get("sheet"),
        events=TableMapping(
            columns=_str_dict(ev.get("columns"), "events.columns", file),
            values={"activity": {k.upper(): v for k, v in activities.items()}},
            unmapped=unmapped if activities else "keep",
            fmt=ev.get("timestamp_format"),
        ),
        cases=TableMapping(
            columns=_str_dict(ca.get("columns"), "cases.columns", file),
            values={
                "case_type": {k.upper(): v for k, v in case_types.items()},
                "decision_outcome": {k.upper(): v for k, v in outcomes.items()},
            },
            fmt=ca.get("date_format"),
            crs=crs,
        ),
    )
