"""The results journal: an append-only SQLite file of runs and the KPIs each recorded.

One file per output folder, ``<out>/journal.sqlite`` (:data:`JOURNAL_NAME`). Two tables:

``runs``  one row per run: lab, municipality, parameters (JSON), git revision, start (UTC,
          ISO 8601), duration, status (``ok``/``failed``), error, notebook, report, where the row
          came from (``run``, ``manifest`` or ``sample``) and when it was written;
``kpis``  one row per (run, KPI): name, numeric value (or text), unit, target, direction.

Nothing is ever updated or deleted (triggers refuse it): a rerun adds rows. Every run is
written with its KPIs in one ``BEGIN IMMEDIATE`` transaction, so a writer killed half-way
leaves either the whole run or nothing, and concurrent writers (parallel workers, two
``testlab run`` into the same folder) queue on SQLite's write lock (``busy_timeout``) instead of
losing rows. The file is in WAL mode: readers never block the writer.

The file says what it is: ``PRAGMA application_id`` holds :data:`APPLICATION_ID` and
``PRAGMA user_version`` the schema version. A file that is not a journal, or was written by a
newer version of the kit, is refused with a message and never touched.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kit.errors import DataError, UsageError

JOURNAL_NAME = "journal.sqlite"
APPLICATION_ID = 0x544C4A4E  # "TLJN": testlab journal
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    lab TEXT NOT NULL,
    municipality TEXT,
    parameters TEXT NOT NULL,
    git_revision TEXT,
    started TEXT NOT NULL,
    duration_s REAL,
    status TEXT NOT NULL,
    error TEXT,
    notebook TEXT,
    report TEXT,
    source TEXT NOT NULL DEFAULT 'run',
    recorded TEXT NOT NULL
);
CREATE TABLE kpis (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    name TEXT NOT NULL,
    value REAL,
    text_value TEXT,
    unit TEXT,
    target REAL,
    direction TEXT,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX runs_lab_municipality_started ON runs(lab, municipality, started);
CREATE INDEX runs_municipality_started ON runs(municipality, started);
CREATE INDEX runs_started ON runs(started);
CREATE INDEX runs_lab_started ON runs(lab, started);
CREATE INDEX kpis_name ON kpis(name, run_id);
CREATE TRIGGER runs_append_only_u BEFORE UPDATE ON runs
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER runs_append_only_d BEFORE DELETE ON runs
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER kpis_append_only_u BEFORE UPDATE ON kpis
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER kpis_append_only_d BEFORE DELETE ON kpis
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""


@dataclass
class Run:
    """One run as the journal holds it; ``kpis`` maps a KPI name to its entry
    (``{"name", "value", "unit", "target", "direction"}``, as :func:`kit.record` wrote it)."""

    lab: str
    parameters: dict[str, Any]
    started: str
    status: str = "ok"
    municipality: str | None = None
    git_revision: str | None = None
    duration_s: float | None = None
    error: str | None = None
    notebook: str | None = None
    report: str | None = None
    source: str = "run"
    kpis: dict[str, dict[str, Any]] = field(default_factory=dict)
    id: int | None = None

    def value(self, kpi: str) -> Any:
        entry = self.kpis.get(kpi)
        return None if entry is None else entry.get("value")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lab": self.lab,
            "municipality": self.municipality,
            "parameters": self.parameters,
            "git_revision": self.git_revision,
            "started": self.started,
            "duration_s": self.duration_s,
            "status": self.status,
            "error": self.error,
            "notebook": self.notebook,
            "report": self.report,
            "source": self.source,
            "kpis": self.kpis,
        }

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any], source: str = "run") -> Run:
        """A run from a manifest entry (or :class:`kit.labs.runner.RunResult` as a dict)."""
        params = dict(entry.get("parameters") or {})
        kpis = {}
        for name, k in (entry.get("kpis") or {}).items():
            k = dict(k) if isinstance(k, Mapping) else {"value": k}
            k["name"] = name
            kpis[name] = k
        return cls(
            lab=str(entry["lab"]),
            parameters=params,
            started=_iso(entry["started"]),
            status=str(entry.get("status") or "ok"),
            municipality=params.get("municipality"),
            git_revision=entry.get("git_revision"),
            duration_s=entry.get("duration_s"),
            error=entry.get("error"),
            notebook=entry.get("notebook"),
            report=entry.get("report"),
            source=source,
            kpis=kpis,
        )


def journal_path(folder: str | Path) -> Path:
    """``folder/journal.sqlite``, or ``folder`` itself when it names a file."""
    p = Path(folder)
    return p if p.suffix in (".sqlite", ".db") or p.is_file() else p / JOURNAL_NAME


def _iso(value: Any) -> str:
    """A start time as ISO 8601 in UTC (naive values are taken as UTC)."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise DataError(f"start time {value!r} is not an ISO 8601 date-time") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds")


class Journal:
    """An open journal file. Use as a context manager, or call :meth:`close`.

    ``Journal(path)`` opens an existing journal or creates a new one (``create=False``: refuse
    a missing file). Raises :class:`kit.errors.DataError` for a file that is not a journal or
    comes from a newer schema version.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise UsageError(
                    f"{self.path}: no journal here; `testlab run` writes one "
                    "(or import earlier runs with `testlab history --import-manifest`)"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif self.path.is_dir():
            raise UsageError(f"{self.path}: is a folder, not a journal file")
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._check_or_create()
        except BaseException:
            self._db.close()
            raise

    # -- opening -----------------------------------------------------------------------------
    def _identity(self) -> tuple[int, int, int]:
        try:
            app = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            n = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DataError(
                f"not a results journal (SQLite says: {exc}); left untouched", file=str(self.path)
            ) from None
        return app, version, n

    def _check_or_create(self) -> None:
        app, version, n = self._identity()
        if app == 0 and n == 0:  # a new (or empty) file: make it a journal, once
            with self._write():
                app, version, n = self._identity()  # another process may have been first
                if app == 0 and n == 0:
                    for stmt in _statements(_SCHEMA):
                        self._db.execute(stmt)
                    self._db.execute(
                        "INSERT INTO meta VALUES ('created', ?), ('application', 'testlab results journal')",
                        (datetime.now(UTC).isoformat(timespec="seconds"),),
                    )
                    self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    app, version = APPLICATION_ID, SCHEMA_VERSION
        if app != APPLICATION_ID:
            raise DataError(
                "not a results journal (a SQLite database of something else); left untouched",
                file=str(self.path),
            )
        if version > SCHEMA_VERSION:
            raise DataError(
                f"journal schema version {version} is newer than this kit reads "
                f"({SCHEMA_VERSION}); update the kit. The file is left untouched",
                file=str(self.path),
            )
        mode = self._db.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            self._db.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: takes the write lock at once (waits up to busy_timeout)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------
    def append(self, runs: Run | Iterable[Run]) -> list[int]:
        """Add runs with their KPIs, all in one transaction; returns their ids."""
        runs = [runs] if isinstance(runs, Run) else list(runs)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        ids = []
        with self._write() as db:
            for r in runs:
                cur = db.execute(
                    "INSERT INTO runs (lab, municipality, parameters, git_revision, started,"
                    " duration_s, status, error, notebook, report, source, recorded)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        r.lab,
                        r.municipality
                        if r.municipality is not None
                        else r.parameters.get("municipality"),
                        json.dumps(r.parameters, sort_keys=True, ensure_ascii=False, default=str),
                        r.git_revision,
                        _iso(r.started),
                        r.duration_s,
                        r.status,
                        r.error,
                        r.notebook,
                        r.report,
                        r.source,
                        now,
                    ),
                )
                run_id = cur.lastrowid
                db.executemany(
                    "INSERT INTO kpis VALUES (?,?,?,?,?,?,?)",
                    [(run_id, name, *_kpi_row(k)) for name, k in r.kpis.items()],
                )
                r.id = run_id
                ids.append(run_id)
        return ids

    def import_manifest(self, path: str | Path) -> int:
        """Add the runs of a ``manifest.json`` not already in the journal; returns how many.

        A run counts as present when a run of the same lab, parameters and start time is.
        """
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            entries = doc["runs"]
            if not isinstance(entries, list):
                raise TypeError
        except FileNotFoundError:
            raise UsageError(f"{path}: no such manifest") from None
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
            raise DataError(
                'not a testlab manifest (expected JSON with a "runs" list)', file=str(path)
            ) from None
        runs = []
        for i, entry in enumerate(entries):
            try:
                runs.append(Run.from_entry(entry, source=doc.get("source", "manifest")))
            except (KeyError, TypeError, AttributeError) as exc:
                raise DataError(
                    f"run {i + 1}: missing or malformed {exc}", file=str(path)
                ) from None
        have = {
            (lab, params, started)
            for lab, params, started in self._db.execute(
                "SELECT lab, parameters, started FROM runs"
            )
        }
        new = [
            r
            for r in runs
            if (r.lab, json.dumps(r.parameters, sort_keys=True, ensure_ascii=False), r.started)
            not in have
        ]
        if new:
            self.append(new)
        return len(new)

    # -- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM runs").fetchone()[0]

    def query(
        self,
        *,
        lab: str | None = None,
        kpi: str | None = None,
        municipality: str | None = None,
        since: str | date | None = None,
        status: str | None = None,
        latest: int | None = None,
    ) -> list[Run]:
        """Runs (oldest first) with their KPIs, filtered.

        ``kpi``: only runs that recorded this KPI, with only that KPI. ``since``: runs started
        on or after this date (``YYYY-MM-DD``) or date-time. ``latest``: the newest N only.
        """
        where, args = [], []
        if lab:
            where.append("r.lab = ?")
            args.append(lab)
        if municipality:
            where.append("r.municipality = ?")
            args.append(municipality)
        if since:
            where.append("r.started >= ?")
            args.append(_iso(since))
        if status:
            where.append("r.status = ?")
            args.append(status)
        cols = (
            "r.id, r.lab, r.municipality, r.parameters, r.git_revision, r.started, r.duration_s,"
            " r.status, r.error, r.notebook, r.report, r.source,"
            " k.name, k.value, k.text_value, k.unit, k.target, k.direction"
        )
        if kpi and latest:  # the newest N runs *that recorded the KPI*
            where.append("EXISTS (SELECT 1 FROM kpis e WHERE e.run_id = r.id AND e.name = ?)")
            args.append(kpi)
        base = "SELECT * FROM runs r" + (" WHERE " + " AND ".join(where) if where else "")
        if latest:
            base += f" ORDER BY started DESC, id DESC LIMIT {int(latest)}"
        join = (
            "JOIN kpis k ON k.run_id = r.id AND k.name = ?"
            if kpi
            else ("LEFT JOIN kpis k ON k.run_id = r.id")
        )
        sql = f"SELECT {cols} FROM ({base}) r {join} ORDER BY r.started, r.id"
        if kpi:
            args.append(kpi)
        runs: dict[int, Run] = {}
        for row in self._db.execute(sql, args):  # one statement: one consistent snapshot
            run = runs.get(row[0])
            if run is None:
                run = runs[row[0]] = Run(
                    id=row[0],
                    lab=row[1],
                    municipality=row[2],
                    parameters=json.loads(row[3]),
                    git_revision=row[4],
                    started=row[5],
                    duration_s=row[6],
                    status=row[7],
                    error=row[8],
                    notebook=row[9],
                    report=row[10],
                    source=row[11],
                )
            if row[12] is not None:
                run.kpis[row[12]] = {
                    "name": row[12],
                    "value": row[14] if row[14] is not None else row[13],
                    "unit": row[15],
                    "target": row[16],
                    "direction": row[17],
                }
        return list(runs.values())

    def latest_values(
        self,
        pairs: Iterable[tuple[str, str]],
        municipalities: Iterable[str | None],
        *,
        until: str | date | None = None,
    ) -> dict[tuple[str, str, str | None], tuple[Any, str, str]]:
        """The newest successful value of each (lab, kpi) per municipality, started before
        ``until`` (a date: before the end of that day) when given:
        ``{(lab, kpi, municipality): (value, started, source)}``; missing keys had no run."""
        limit = _iso(until)[:10] + "T99" if until else "9999"
        out = {}
        municipalities = list(municipalities)
        for lab, kpi in pairs:
            for m in municipalities:
                row = self._db.execute(
                    "SELECT k.value, k.text_value, r.started, r.source FROM runs r"
                    " JOIN kpis k ON k.run_id = r.id AND k.name = ?"
                    f" WHERE r.lab = ? AND r.municipality {_is(m)} AND r.status = 'ok'"
                    " AND r.started < ? AND (k.value IS NOT NULL OR k.text_value IS NOT NULL)"
                    " ORDER BY r.started DESC, r.id DESC LIMIT 1",
                    (kpi, lab, *([m] if m is not None else []), limit),
                ).fetchone()
                if row is not None:
                    out[(lab, kpi, m)] = (row[1] if row[1] is not None else row[0], row[2], row[3])
        return out

    def series(self, lab: str, kpi: str, municipality: str | None) -> list[tuple[str, float, str]]:
        """``(started, value, source)`` per day with successful runs of a numeric value (the
        day's last run), oldest first: a trend of a few points a month, not every run."""
        return self._db.execute(
            "SELECT max(r.started), k.value, r.source FROM runs r"
            " JOIN kpis k ON k.run_id = r.id AND k.name = ?"
            f" WHERE r.lab = ? AND r.municipality {_is(municipality)} AND r.status = 'ok'"
            " AND k.value IS NOT NULL GROUP BY substr(r.started, 1, 10) ORDER BY 1",
            (kpi, lab, *([municipality] if municipality is not None else [])),
        ).fetchall()

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` result: ``"ok"`` for a sound file."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]


def _is(value: str | None) -> str:
    """``= ?`` (uses the index) or ``IS NULL`` for labs run without a municipality."""
    return "IS NULL" if value is None else "= ?"


def _statements(script: str) -> list[str]:
    """The statements of the schema script (triggers hold semicolons inside BEGIN … END)."""
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            buf = []
    return out


def _kpi_row(k: Mapping[str, Any]) -> tuple[Any, ...]:
    value = k.get("value")
    number, text = None, None
    if isinstance(value, bool):
        number = float(value)
    elif isinstance(value, int | float):
        number = None if isinstance(value, float) and math.isnan(value) else float(value)
    elif value is not None:
        text = str(value)
    target = k.get("target")
    target = (
        float(target) if isinstance(target, int | float) and not isinstance(target, bool) else None
    )
    return number, text, k.get("unit"), target, k.get("direction")


def open_journal(folder: str | Path, *, create: bool = True) -> Journal:
    """The journal of an output folder (``folder/journal.sqlite``) or of a file path."""
    return Journal(journal_path(folder), create=create)


def append_runs(folder: str | Path, entries: Iterable[Mapping[str, Any]]) -> list[int]:
    """Append manifest-style entries (dicts of a run's results) to ``folder``'s journal."""
    runs = [Run.from_entry(e) for e in entries]
    if not runs:
        return []
    with open_journal(folder) as j:
        return j.append(runs)
