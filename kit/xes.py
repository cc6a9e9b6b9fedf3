"""Streaming reader (and a small writer) for IEEE 1849 XES event logs, plain or gzipped.

The reader walks the XML once with ``lxml.etree.iterparse``, clearing each ``<event>`` and
``<trace>`` as soon as it is read, so memory stays flat whatever the log size. Attribute values
are collected in per-column lists and converted at the end, vectorised (timestamps in one
``to_datetime`` call), which is what makes it fast.

Mapping to the canonical tables:

* trace attributes become case attributes; the trace's ``concept:name`` is the ``case_id``;
* every event attribute is kept as a column under its XES key, except
  ``concept:name`` -> ``activity``, ``time:timestamp`` -> ``timestamp``,
  ``org:resource`` -> ``resource``;
* ``<date>`` values with an offset become timezone-aware (converted to Europe/Stockholm);
  values without one are Swedish local time. ``<int>`` -> Int64, ``<float>`` -> float,
  ``<boolean>`` -> boolean, ``<string>``/``<id>`` -> str. Nested (list/container) attributes
  are skipped; ``<global scope="event">`` defaults fill missing event attributes.

Events get a ``case_id`` from their trace. Problems (not XML, truncated file, a date that is not
a date) raise :class:`kit.errors.DataError` with the line number where lxml knows it.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from kit.errors import DataError

_RENAME_EVENT = {
    "concept:name": "activity",
    "time:timestamp": "timestamp",
    "org:resource": "resource",
}
_RENAME_TRACE = {"concept:name": "case_id"}
_TYPES = {"string", "date", "int", "float", "boolean", "id"}


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Columns:
    """Sparse columns: per key, the row numbers that have a value and the values."""

    def __init__(self) -> None:
        self.rows: dict[str, list[int]] = {}
        self.values: dict[str, list] = {}
        self.types: dict[str, str] = {}

    def add(self, row: int, key: str, value, kind: str) -> None:
        rows = self.rows.get(key)
        if rows is None:
            rows = self.rows[key] = []
            self.values[key] = []
            self.types[key] = kind
        rows.append(row)
        self.values[key].append(value)

    def frame(self, n: int, rename: dict[str, str], defaults: dict, file: str) -> pd.DataFrame:
        data = {}
        for key, kind in list(self.types.items()) + [
            (k, v[0]) for k, v in defaults.items() if k not in self.types
        ]:
            full = np.full(n, None, dtype=object)
            if key in defaults:
                full[:] = defaults[key][1]
            if key in self.rows:
                full[np.asarray(self.rows[key], dtype=np.int64)] = self.values[key]
            name = rename.get(key, key)
            data[name] = _convert(full, kind, name, file)
        return pd.DataFrame(data, index=pd.RangeIndex(n))


def _convert(values: np.ndarray, kind: str, name: str, file: str) -> pd.Series:
    s = pd.Series(values, dtype="str")
    if kind == "date":
        from kit.schemas import parse_timestamps

        parsed, bad = parse_timestamps(s)
        if bad.any():
            r = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                "not an xs:dateTime (expected e.g. 2024-03-01T09:30:00+01:00)",
                file=file,
                row=r + 1,
                column=name,
            )
        return parsed
    if kind in ("int", "float"):
        num = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & num.isna()
        if bad.any():
            r = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"not an {kind} value", file=file, row=r + 1, column=name)
        if kind == "int":
            if (num.dropna() != np.round(num.dropna())).any():
                r = int(np.flatnonzero((num != np.round(num)).to_numpy(na_value=False))[0])
                raise DataError("not an int value", file=file, row=r + 1, column=name)
            return num.astype("Int64")
        return num.astype("float64")
    if kind == "boolean":
        low = s.str.strip().str.lower()
        out = low.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        bad = low.notna() & out.isna()
        if bad.any():
            r = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("not a boolean (true/false)", file=file, row=r + 1, column=name)
        return out
    return s


def _open(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _at_end(path: Path, line: int | None) -> bool:
    """True when a parse error is on the file's last line: the file was cut off."""
    if line is None:
        return False
    try:
        with _open(path) as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except (OSError, EOFError, zlib.error):
        return True  # the compressed stream itself is cut off
    return line >= lines


def read_xes(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read an XES log into ``(events, cases)`` (``cases`` None when traces have no attributes).

    ``events`` has ``case_id``, ``activity``, ``timestamp`` (and ``resource``) plus every other
    event attribute under its XES key; ``cases`` one row per trace with its attributes.
    """
    from lxml import etree

    p = Path(path)
    file = str(p)
    try:
        fh = _open(p)
    except FileNotFoundError:
        raise DataError("file not found", file=file) from None
    except IsADirectoryError:
        raise DataError("is a directory; expected a file", file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=file) from None

    if p.is_file() and p.stat().st_size == 0:
        fh.close()
        raise DataError("file is empty; expected an XES log", file=file)
    events = _Columns()
    traces = _Columns()
    event_case: list[int] = []
    event_defaults: dict[str, tuple[str, object]] = {}
    n_events = 0
    n_traces = 0
    root_tag = None
    try:
        with fh:
            parser = etree.iterparse(
                fh,
                events=("end",),
                tag=("{*}trace", "{*}event", "{*}global"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
                remove_comments=True,
            )
            # Per-element Python work is what costs: full tag -> kind is looked up once per
            # distinct tag, and the column lists are appended to directly.
            kinds: dict = {}
            ev_rows, ev_values = events.rows, events.values
            trace_tag = None
            for _action, elem in parser:
                tag = elem.tag
                if root_tag is None:
                    root_tag = _local(elem.getroottree().getroot().tag)
                    if root_tag != "log":
                        break
                local = kinds.get(tag)
                if local is None:
                    local = kinds[tag] = _local(tag)
                if local == "event":
                    for child in elem:
                        ctag = child.tag
                        kind = kinds.get(ctag)
                        if kind is None:
                            kind = kinds[ctag] = _local(ctag)
                        if kind in _TYPES:
                            key = child.get("key")
                            if key is None:
                                continue
                            rows = ev_rows.get(key)
                            if rows is None:
                                events.add(n_events, key, child.get("value"), kind)
                            else:
                                rows.append(n_events)
                                ev_values[key].append(child.get("value"))
                    parent = elem.getparent()
                    if trace_tag is None and parent is not None and kinds.get(parent.tag) is None:
                        kinds[parent.tag] = _local(parent.tag)
                    # an event outside any trace belongs to no case (-1)
                    in_trace = parent is not None and kinds[parent.tag] == "trace"
                    event_case.append(n_traces if in_trace else -1)
                    n_events += 1
                    elem.clear()
                elif local == "trace":
                    for child in elem:
                        kind = kinds.get(child.tag)
                        if kind is None:
                            kind = kinds[child.tag] = _local(child.tag)
                        if kind in _TYPES:
                            key = child.get("key")
                            if key is not None:
                                traces.add(n_traces, key, child.get("value"), kind)
                    n_traces += 1
                    elem.clear()
                    parent = elem.getparent()
                    if parent is not None:
                        while elem.getprevious() is not None:
                            del parent[0]
                elif local == "global":
                    if elem.get("scope") == "event":
                        for child in elem:
                            kind = _local(child.tag)
                            if kind in _TYPES and child.get("key") is not None:
                                event_defaults[child.get("key")] = (kind, child.get("value"))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        msg = exc.msg or "malformed XML"
        if _at_end(p, line):
            msg = f"truncated XES file: it ends inside the log ({msg})"
        else:
            msg = f"not well-formed XML ({msg})"
        raise DataError(msg, file=file, row=line) from None
    except (EOFError, OSError, zlib.error) as exc:
        raise DataError(f"truncated or corrupt gzip file ({exc})", file=file) from None
    if root_tag is not None and root_tag != "log":
        raise DataError(
            f"not an XES log: the root element must be <log>, not <{root_tag}>", file=file
        )
    if n_events == 0:
        raise DataError("the log has no events", file=file)
    ev = events.frame(n_events, _RENAME_EVENT, event_defaults, file)
    case_numbers = np.asarray(event_case, dtype=np.int64)
    cases = traces.frame(n_traces, _RENAME_TRACE, {}, file) if n_traces else None
    if cases is not None and "case_id" in cases.columns:
        ids = cases["case_id"].to_numpy(dtype=object)
        missing = pd.isna(ids)
        ids[missing] = [f"trace {i + 1}" for i in np.flatnonzero(missing)]
        cases["case_id"] = pd.Series(ids, dtype="str")
    else:
        ids = np.array([f"trace {i + 1}" for i in range(n_traces)], dtype=object)
        if cases is not None:
            cases.insert(0, "case_id", pd.Series(ids, dtype="str"))
    lookup = np.append(np.asarray(ids, dtype=object), None)  # index -1: no case
    case_ids = pd.Series(lookup[case_numbers], dtype="str")
    if "case_id" in ev.columns:
        ev = ev.rename(columns={"case_id": "case_id_attribute"})
    ev.insert(0, "case_id", case_ids)
    if cases is not None and len(cases.columns) <= 1:
        cases = None
    return ev, cases


# --- writer (tests and benchmarks) ------------------------------------------------------------


def _xes_value(value) -> tuple[str, str]:
    if isinstance(value, (bool, np.bool_)):
        return "boolean", "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return "int", str(int(value))
    if isinstance(value, (float, np.floating)):
        return "float", repr(float(value))
    if isinstance(value, pd.Timestamp):
        return "date", value.isoformat()
    return "string", str(value)


def write_xes(events: pd.DataFrame, cases: pd.DataFrame | None, path: str | Path) -> Path:
    """Write canonical events (and case attributes) as an XES log; ``.gz`` suffix compresses.

    Events are grouped into traces by ``case_id`` in order of first appearance; canonical
    names go back to the XES keys (``activity`` -> ``concept:name`` ...). Missing values are
    left out.
    """
    p = Path(path)
    back = {v: k for k, v in _RENAME_EVENT.items()}
    ev_cols = [c for c in events.columns if c != "case_id"]
    ev_keys = [back.get(c, c) for c in ev_cols]
    case_attrs: dict[str, dict] = {}
    if cases is not None:
        ccols = [c for c in cases.columns if c != "case_id"]
        for rec in cases.itertuples(index=False):
            row = (
                rec._asdict()
                if hasattr(rec, "_asdict")
                else dict(zip(cases.columns, rec, strict=True))
            )
            case_attrs[str(row.get("case_id", ""))] = {c: row[c] for c in ccols if c in row}
    cols = [events[c] for c in ev_cols]
    values = [c.tolist() if not isinstance(c.dtype, pd.DatetimeTZDtype) else list(c) for c in cols]
    order = events.groupby("case_id", sort=False).indices
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016" '
        'xmlns="http://www.xes-standard.org/">\n'
        '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
        '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
        '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
    ]
    for case_id, idx in order.items():
        out.append("<trace>\n")
        out.append(f'<string key="concept:name" value={quoteattr(str(case_id))}/>\n')
        for k, v in case_attrs.get(str(case_id), {}).items():
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            kind, text = _xes_value(v)
            out.append(f"<{kind} key={quoteattr(str(k))} value={quoteattr(text)}/>\n")
        for i in idx:
            out.append("<event>")
            for key, vals in zip(ev_keys, values, strict=True):
                v = vals[i]
                if v is None or (not isinstance(v, str) and pd.isna(v)):
                    continue
                kind, text = _xes_value(v)
                out.append(f"<{kind} key={quoteattr(key)} value={quoteattr(text)}/>")
            out.append("</event>\n")
        out.append("</trace>\n")
    out.append("</log>\n")
    data = "".join(out).encode("utf-8")
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix == ".gz":
        with gzip.open(p, "wb", compresslevel=5) as fh:
            fh.write(data)
    else:
        p.write_bytes(data)
    return p
