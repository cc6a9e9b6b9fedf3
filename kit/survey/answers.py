"""Survey answers as survey tools export them (enkätsvar), checked against the questionnaire.

One row per respondent and wave, one column per item (the item id, any case), plus:

``respondent_id``  the respondent's id in the survey tool (required); replaced on load by a keyed
                   pseudonym ``SVAR-<12 hex>`` (:mod:`kit.data.privacy`), so the same person
                   matches across waves but is never shown
``municipality``   kommun (required): an id (``umea``) or a name (``Umeå``)
``wave``           ``before``/``after`` (also ``före``/``efter``), or the date of the answer
                   (ISO ``2024-03-01``): dates of one municipality are split into before and
                   after at the longest gap between consecutive answer dates
``role``           optional: e.g. ``ledning``, ``medarbetare``, ``innovationsteam``

Answers are whole numbers on the questionnaire's scale (``3``, ``3.0`` and ``3,0`` are the
same); an empty cell is a skipped item. Free-text questions (``free_text`` in the
questionnaire) are pseudonymised and kept apart from the answers; no view shows them raw.

Bad input — an answer outside the scale, a column that is not an item, an item without a
column, a wave that is neither before/after nor a date, a respondent answering one wave
twice — raises :class:`SurveyDataError` naming the item, the column and the rows (1-based
data rows; the header is row 0) of every problem. Nothing is computed on such a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kit.errors import DataError
from kit.survey.questionnaire import Questionnaire, read_questionnaire

REQUIRED = ("respondent_id", "municipality", "wave")
OPTIONAL = ("role",)
WAVES = ("before", "after")
_WAVE_WORDS = {
    "before": "before",
    "före": "before",
    "fore": "before",
    "baseline": "before",
    "after": "after",
    "efter": "after",
}
RESPONDENT_PREFIX = "SVAR"
MAX_ROWS_NAMED = 10


class SurveyDataError(DataError):
    """Raised when an answer file does not fit its questionnaire; holds every problem found."""

    def __init__(self, problems: list[DataError]) -> None:
        first = problems[0]
        message = first.message
        if len(problems) > 1:
            rest = "; ".join(
                f"{p.column + ': ' if p.column else ''}{p.message}" for p in problems[1:6]
            )
            more = f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""
            message += f" — and {len(problems) - 1} more problem(s): {rest}{more}"
        super().__init__(message, file=first.file, row=first.row, column=first.column)
        self.problems = problems


@dataclass
class Answers:
    """Checked, pseudonymised answers.

    ``frame``: ``respondent`` (pseudonym), ``municipality``, ``wave`` (``before``/``after``),
    ``role`` (``<NA>`` when not given), then one float column per item in questionnaire order
    (raw answers, not yet reverse-coded; NaN = skipped). ``free_text``: the free-text answers,
    pseudonymised, same index; for counting, never for display.
    """

    frame: pd.DataFrame
    questionnaire: Questionnaire
    free_text: pd.DataFrame
    source: str = ""

    @property
    def municipalities(self) -> list[str]:
        return sorted(self.frame["municipality"].dropna().unique().tolist())

    def __repr__(self) -> str:
        waves = self.frame["wave"].value_counts().to_dict()
        return (
            f"<Answers {self.source or '(in memory)'}: {len(self.frame)} rows, "
            f"{len(self.questionnaire.items)} items, waves {waves}, "
            f"municipalities {self.municipalities}, {self.free_text.notna().sum().sum()} "
            "free-text answers (not shown)>"
        )


def read_answers(
    path: str | Path, questionnaire: Questionnaire | str | Path | None = None
) -> Answers:
    """Read a CSV (Swedish Excel dialects) or XLSX answer file and check it (see module doc)."""
    from kit.data.readers import read_table

    q = _questionnaire(questionnaire)
    raw = read_table(path)
    return check_answers(raw, q, file=str(path))


def check_answers(
    raw: pd.DataFrame, questionnaire: Questionnaire | None = None, *, file: str = "<answers>"
) -> Answers:
    """Check a raw frame of strings (as :mod:`kit.data.readers` returns) against the
    questionnaire and build :class:`Answers`. Raises :class:`SurveyDataError` listing every
    problem (item, column, rows)."""
    q = _questionnaire(questionnaire)
    problems: list[DataError] = []

    def problem(message: str, column: str | None, rows: list[int] | None = None) -> None:
        problems.append(DataError(message, file=file, row=rows[0] if rows else None, column=column))

    columns = {str(c).strip().casefold(): c for c in raw.columns}
    item_by_key = {i.id.casefold(): i for i in q.items}
    free_by_key = {i.id.casefold(): i for i in q.free_text}
    known = set(REQUIRED) | set(OPTIONAL) | set(item_by_key) | set(free_by_key)

    for key, col in columns.items():
        if key not in known:
            rows = _rows(raw[col].notna().to_numpy())
            problem(
                f"column {col!r} is not an item of the questionnaire {q.id!r}"
                f"{_in_rows(rows, 'with answers')}; expected the item ids "
                f"{_id_range(q.item_ids)}, the free-text ids {[i.id for i in q.free_text]} and "
                f"{', '.join(REQUIRED + OPTIONAL)}: add the item to the questionnaire or remove "
                "the column",
                str(col),
                rows,
            )
    for name in REQUIRED:
        if name not in columns:
            problem(
                f"missing column {name!r} (required: {', '.join(REQUIRED)}); every row lacks it",
                name,
            )
    for key, item in item_by_key.items():
        if key not in columns:
            problem(
                f"missing column for item {item.id} ({item.label('en')!r}, dimension "
                f"{item.dimension}); every row lacks it",
                item.id,
            )

    values = {}
    for key, item in item_by_key.items():
        if key not in columns:
            continue
        col = columns[key]
        parsed, bad = _parse_answers(raw[col], q.scale.min, q.scale.max)
        if bad.any():
            rows = _rows(bad)
            shown = sorted({str(v) for v in raw[col][bad].head(5)})
            problem(
                f"item {item.id}: answer(s) {', '.join(repr(s) for s in shown)} outside the scale "
                f"{q.scale.min}–{q.scale.max} (whole numbers) in column {col!r}"
                f"{_in_rows(rows)}",
                str(col),
                rows,
            )
        values[item.id] = parsed

    frame = pd.DataFrame(index=raw.index)
    if all(name in columns for name in REQUIRED):
        respondent = raw[columns["respondent_id"]].astype("str").str.strip()
        missing = respondent.isna() | (respondent == "")
        if missing.any():
            rows = _rows(missing.to_numpy())
            problem(f"respondent_id is empty{_in_rows(rows)}", "respondent_id", rows)
        municipality = _municipality(raw[columns["municipality"]])
        if municipality.isna().any():
            rows = _rows(municipality.isna().to_numpy())
            problem(f"municipality is empty{_in_rows(rows)}", "municipality", rows)
        wave, wave_problems = _waves(raw[columns["wave"]], municipality, file)
        problems.extend(wave_problems)
        frame["respondent"] = respondent
        frame["municipality"] = municipality
        frame["wave"] = wave
        if not wave_problems and not missing.any():
            _duplicates(frame, problem)
    if problems:
        raise SurveyDataError(problems)

    from kit.data.privacy import load_key, pseudonym, pseudonymise

    key = load_key()
    uniques = frame["respondent"].unique()
    pseud = {v: pseudonym(str(v), key, RESPONDENT_PREFIX) for v in uniques}
    frame["respondent"] = frame["respondent"].map(pseud).astype("str")
    role_col = columns.get("role")
    frame["role"] = (
        raw[role_col].astype("str").str.strip().str.casefold()
        if role_col is not None
        else pd.Series(pd.NA, index=raw.index, dtype="str")
    )
    for item_id in q.item_ids:
        frame[item_id] = values[item_id]
    free_cols = {i.id: columns[k] for k, i in free_by_key.items() if k in columns}
    free = raw[list(free_cols.values())].copy() if free_cols else pd.DataFrame(index=raw.index)
    free.columns = list(free_cols)
    if len(free.columns):
        free, _ = pseudonymise(free, key=key)
    frame = frame.reset_index(drop=True)
    free = free.reset_index(drop=True)
    return Answers(frame=frame, questionnaire=q, free_text=free, source=file)


def _questionnaire(q: Questionnaire | str | Path | None) -> Questionnaire:
    return q if isinstance(q, Questionnaire) else read_questionnaire(q)


def _parse_answers(col: pd.Series, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Float answers (NaN = skipped) and a mask of values that are not whole numbers lo..hi.

    A column holds a handful of distinct values ("1".."5", blanks), so they are parsed once
    each and spread back by their codes (parsing 10,000 strings one by one is the slow part).
    """
    codes, uniques = pd.factorize(col.astype("str"), use_na_sentinel=True)
    text = pd.Series(uniques, dtype="str").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    blank = (text == "").to_numpy(dtype=bool, na_value=True)
    ok_u = np.isfinite(values) & (values == np.round(values)) & (values >= lo) & (values <= hi)
    given_u = ~blank
    if len(uniques) == 0:
        return np.full(len(col), np.nan), np.zeros(len(col), bool)
    safe = np.where(codes >= 0, codes, 0)
    present = codes >= 0
    ok = present & ok_u[safe]
    bad = present & given_u[safe] & ~ok_u[safe]
    return np.where(ok, values[safe], np.nan), bad


def _municipality(col: pd.Series) -> pd.Series:
    """Municipality ids: bundled names (``Umeå``) become their id (``umea``)."""
    from kit.config import MUNICIPALITIES

    names = {m.name.casefold(): m.id for m in MUNICIPALITIES.values()}
    names |= {m.id: m.id for m in MUNICIPALITIES.values()}
    text = col.astype("str").str.strip()
    text = text.where(text != "", pd.NA)
    return text.map(lambda v: v if pd.isna(v) else names.get(v.casefold(), v)).astype("str")


def _waves(col: pd.Series, municipality: pd.Series, file: str) -> tuple[pd.Series, list]:
    """``before``/``after`` per row; dates split per municipality at the longest gap."""
    text = col.astype("str").str.strip()
    words = text.str.casefold().map(_WAVE_WORDS)
    dates = pd.to_datetime(text.where(words.isna()), errors="coerce", format="ISO8601")
    problems: list[DataError] = []
    bad = (words.isna() & dates.isna()).to_numpy()
    if bad.any():
        rows = _rows(bad)
        shown = sorted({"(empty)" if pd.isna(v) else str(v) for v in text[bad].head(5)})
        problems.append(
            DataError(
                f"wave {', '.join(repr(s) for s in shown)} is neither before/after (före/efter) "
                f"nor a date (YYYY-MM-DD){_in_rows(rows)}",
                file=file,
                row=rows[0],
                column="wave",
            )
        )
    wave = words.copy()
    has_date = dates.notna()
    for mid in municipality[has_date].dropna().unique():
        sel = has_date & (municipality == mid)
        days = dates[sel].dt.normalize()
        distinct = np.sort(days.unique())
        if len(distinct) < 2:
            rows = _rows(sel.to_numpy())
            problems.append(
                DataError(
                    f"wave: every date of municipality {mid!r} is the same day, so before and "
                    f"after cannot be told apart{_in_rows(rows)}; write before/after instead",
                    file=file,
                    row=rows[0],
                    column="wave",
                )
            )
            continue
        gaps = np.diff(distinct)
        cut = distinct[int(np.argmax(gaps)) + 1]
        wave[sel] = np.where(days >= cut, "after", "before")
    return wave.astype("str"), problems


def _duplicates(frame: pd.DataFrame, problem) -> None:
    keys = ["municipality", "respondent", "wave"]
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return
    groups = frame[dup].groupby(keys, sort=False).groups
    for (mid, _resp, wave), index in list(groups.items())[:MAX_ROWS_NAMED]:
        rows = [int(i) + 1 for i in index]
        problem(
            f"the same respondent_id answered wave {wave!r} twice in municipality {mid!r}"
            f"{_in_rows(rows)}; keep one answer per respondent and wave",
            "respondent_id",
            rows,
        )


def _rows(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)]


def _in_rows(rows: list[int], what: str = "") -> str:
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED])
    more = f" and {len(rows) - MAX_ROWS_NAMED} more" if len(rows) > MAX_ROWS_NAMED else ""
    word = "row" if len(rows) == 1 else "rows"
    return f" ({what + ' ' if what else ''}in {word} {shown}{more})"


def _id_range(ids: list[str]) -> str:
    return ", ".join(ids) if len(ids) <= 8 else f"{', '.join(ids[:4])}, …, {ids[-1]}"
