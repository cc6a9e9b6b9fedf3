"""Streaming reader (and a small writer) for IEEE 1849 XES event logs, plain or gzipped.

The file is read once, in chunks of 4 MB, and never built into a tree. Two paths share the
column assembly:

* **fast path** (what exported logs take). Each chunk is first *checked* to lie within a strict,
  well-formed subset of XML: UTF-8, no DOCTYPE, CDATA or processing instructions, ASCII names
  without namespace prefixes, quoted attribute values with only the five predefined entities
  and no tab/newline, no text between tags, comments without ``<``, no forbidden characters.
  The check is one RE2 DFA match over the whole chunk (pyarrow), at hundreds of MB/s; nesting
  (each end tag matches its start tag, one root) is then checked with numpy. Within that subset
  every ``<`` starts a tag, so tags are found from the byte positions of ``<``, ``>`` and ``"``
  (numpy), and the key/value strings of ``<string key=".." value=".."/>`` elements become
  pyarrow string views into the chunk: no Python object per element. Each element's parent
  comes from the nesting depth. Values are copied out per chunk, so memory holds the values,
  not the file.
* **general path** for anything outside the subset, and the reference for errors:
  ``lxml.etree.iterparse``, clearing each ``<event>`` and ``<trace>`` once read. It reports
  malformed files (with the line) and handles DOCTYPEs, character references, other encodings,
  namespace prefixes and other attribute forms. The fast path hands over to it, from the start
  of the file, as soon as a chunk leaves the subset; both give the same frames (tested).

Why not iterparse (or an expat / lxml SAX target) for everything: they call back into Python
once or twice per element and an XES log is almost all elements (one per attribute), so the
per-element Python work, not the XML parsing, is what costs. iterparse+clear reads the benchmark
log (80,000 events, 30 MB) in about 1.2 s, the fast path in about 0.28 s; PM4Py needs ~3 s
(``benchmarks/bench_xes.py``). Values stay strings until the end and are converted per column,
vectorised (timestamps in one ``to_datetime`` call, numbers in one Arrow cast).

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
import re
import zlib
from dataclasses import dataclass, field
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
_CHUNK = 1 << 22  # bytes read at a time; memory is a few chunks, whatever the file size


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Columns:
    """Sparse columns: per key, the row numbers that have a value and the values.

    Values are a list of str/None (general path) or a pyarrow string array (fast path).
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[int] | np.ndarray] = {}
        self.values: dict[str, list | object] = {}
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
            name = rename.get(key, key)
            column = _column(
                n,
                self.rows.get(key, []),
                self.values.get(key, []),
                defaults[key][1] if key in defaults else None,
            )
            data[name] = _convert(column, kind, name, file)
        return pd.DataFrame(data, index=pd.RangeIndex(n))


def _column(n: int, rows, values, default: str | None) -> pd.Series:
    """A dense str column of ``n`` rows: ``values`` at ``rows`` (the last wins), else ``default``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    amp = False
    if isinstance(values, tuple):  # (all values, which of them, any entity references)
        values, index, amp = values
    else:
        values = pa.array(values, type=pa.large_string())
        index = np.arange(len(values))
    at = np.full(n, -1, dtype=np.int64)
    at[np.asarray(rows, dtype=np.int64)] = index
    missing = at < 0
    col = values.take(pa.array(at, mask=missing) if missing.any() else at)
    if amp:  # the fast path's raw values: the grammar allowed '&' only in these five
        for ent, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
            col = pc.replace_substring(col, ent, ch)
        col = pc.replace_substring(col, "&amp;", "&")
    if default is not None and missing.any():
        col = pc.if_else(pa.array(missing), pa.scalar(default, col.type), col)
    return pd.Series(col, dtype="str")


def _convert(s: pd.Series, kind: str, name: str, file: str) -> pd.Series:
    if kind == "date":
        from kit.data.schemas import parse_timestamps

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
        fast = _numbers_arrow(s, kind)
        if fast is not None:
            return fast
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


def _numbers_arrow(s: pd.Series, kind: str) -> pd.Series | None:
    """Plain ints/floats in one Arrow cast; None (use pandas) for anything it does not take."""
    import pyarrow as pa

    try:
        arr = pa.array(s.array).cast(pa.int64() if kind == "int" else pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    if kind == "int":
        return pd.Series(pd.array(arr, dtype="Int64"), index=s.index)
    out = pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
    if (out.isna() & s.notna()).any():  # "NaN" text: pandas decides (it is an error)
        return None
    return out


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


@dataclass
class _Parsed:
    """What either path found, before the columns are converted and assembled."""

    events: _Columns = field(default_factory=_Columns)
    traces: _Columns = field(default_factory=_Columns)
    event_case: object = None  # trace number per event, -1 outside any trace
    event_defaults: dict = field(default_factory=dict)
    n_events: int = 0
    n_traces: int = 0
    root_tag: str | None = None


# --- fast path ----------------------------------------------------------------------------------

_WS = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_ANAME = r"(?:xmlns:)?[A-Za-z_][A-Za-z0-9_.\-]*"
_ENT = r"&(?:amp|lt|gt|quot|apos);"
_NOT_WS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}"  # comments may hold line breaks
# characters XML forbids (C0 controls, U+FFFE, U+FFFF) are left out of every class
_NOT = r"\x00-\x1f\x{FFFE}\x{FFFF}"
_VAL2 = rf'"(?:[^"<&{_NOT}]|{_ENT})*"'
_VAL1 = rf"'(?:[^'<&{_NOT}]|{_ENT})*'"
# One chunk of the subset: start/empty tags with attributes, end tags, comments, whitespace.
_GRAMMAR = (
    rf"^(?:<(?:{_NAME}(?:{_WS}+{_ANAME}{_WS}*={_WS}*(?:{_VAL2}|{_VAL1}))*{_WS}*/?>"
    rf"|/{_NAME}{_WS}*>|!--(?:[^<{_NOT_WS}-]|-[^<{_NOT_WS}-])*-->){_WS}*)*$"
)
_DECL = re.compile(
    rb"<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*([\"'])1\.0\1"
    rb"(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*([\"'])(?i:utf-8)\2)?"
    rb"(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*([\"'])(?:yes|no)\3)?[ \t\r\n]*\?>"
)
_ATTR = re.compile(r"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LENMASK = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [0], dtype=np.uint64)
_KEY = int.from_bytes(b' key="', "little")
_VALUE = int.from_bytes(b' value="', "little")


_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)


def _name_length(word: np.ndarray) -> np.ndarray:
    """Bytes before the first byte that cannot be in a name (8 if none), 8 bytes at a time.

    After a name the grammar allows only whitespace, '/' or '>': the bytes below '-' (0x2D),
    0x2F and 0x3E. The bit tricks flag such bytes (borrows can only flag bytes after a real
    hit, so the lowest flag is exact); the lowest flag is isolated and its bit number read
    from a float's exponent.
    """
    flags = (word - _ONES * np.uint64(0x2D)) & ~word
    for c in (0x2F, 0x3E):
        y = word ^ (_ONES * np.uint64(c))
        flags |= (y - _ONES) & ~y
    flags &= _HIGHS
    low = flags & (~flags + np.uint64(1))
    bit = np.frexp(low.astype(np.float64))[1] - 1  # 0 for no flag: frexp(0) -> exponent 0
    return np.where(flags == 0, 8, bit >> 3).astype(np.int64)


class _Fallback(Exception):
    """The input leaves the fast path's subset: read it with the general path instead."""


def _unescape(text: str) -> str:
    for ent, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(ent, ch)
    return text.replace("&amp;", "&")


def _u64(b: np.ndarray) -> np.ndarray:
    """An unaligned view: element i is the 8 bytes from byte i on (``b`` ends in 16 zero bytes)."""
    return np.ndarray((len(b) - 8,), dtype="<u8", buffer=b, strides=(1,))


# masks of the data bytes of a string_view of length 0..12: bytes 0-3 and bytes 4-11
_INLINE_LO = np.array([((1 << (8 * min(n, 4))) - 1) << 32 for n in range(13)], dtype=np.uint64)
_INLINE_HI = np.array([(1 << (8 * max(0, n - 4))) - 1 for n in range(13)], dtype=np.uint64)


def _views(u64: np.ndarray, buffer, start: np.ndarray, length: np.ndarray):
    """A pyarrow string_view array of the byte ranges ``[start, start + length)`` of a chunk.

    Each view is 16 bytes: the length, then the string itself when it has at most 12 bytes,
    else its first 4 bytes, the buffer number (0) and the offset (Arrow columnar format).
    """
    import pyarrow as pa

    w1 = u64[start]
    w2 = u64[start + 8]
    n12 = np.minimum(length, 12)
    views = np.empty((len(start), 2), dtype="<u8")
    views[:, 0] = length.astype(np.uint64) | ((w1 << np.uint64(32)) & _INLINE_LO[n12])
    views[:, 1] = np.where(
        length <= 12,
        ((w1 >> np.uint64(32)) | (w2 << np.uint64(32))) & _INLINE_HI[n12],
        start.astype(np.uint64) << np.uint64(32),
    )
    return pa.Array.from_buffers(pa.string_view(), len(start), [None, pa.py_buffer(views), buffer])


def _check(data: bytes) -> bytes:
    """Raise :class:`_Fallback` unless the chunk is UTF-8 and within the grammar.

    Arrow runs this without the GIL, so it overlaps with the numpy work on the chunk before.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.Array.from_buffers(
        pa.string(), 1, [None, pa.py_buffer(np.array([0, len(data)], "<i4")), pa.py_buffer(data)]
    )
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        raise _Fallback from None
    if not pc.match_substring_regex(text, _GRAMMAR)[0].as_py():
        raise _Fallback
    return data


class _Tokens:
    """Element tags of the whole file in document order, collected chunk by chunk."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}
        self.gid: list[np.ndarray] = []  # name id per tag
        self.delta: list[np.ndarray] = []  # +1 start, -1 end, 0 empty-element tag
        self.attr_tok: list[np.ndarray] = []  # tag number of each key/value attribute element
        self.keys: dict[str, int] = {}  # raw (still escaped) attribute key -> key number
        self.attr_code: list[np.ndarray] = []  # key number of each key/value attribute element
        self.attr_val: list = []  # their values (copied out, so that the chunk can go)
        self.attr_amp: list[np.ndarray] = []  # the value holds an entity reference
        self.attrs: dict[int, dict[str, str]] = {}  # XML attributes of other tags with any
        self.n = 0

    def name_id(self, name: str) -> int:
        return self.names.setdefault(name, len(self.names))

    def chunk(self, data: bytes) -> None:
        """Collect the tags of one chunk that :func:`_check` has passed."""
        import pyarrow as pa

        if not data:
            return
        b = np.frombuffer(data, dtype=np.uint8)
        buffer = pa.py_buffer(data)
        padded = np.concatenate([b, np.zeros(16, dtype=np.uint8)])
        u64 = _u64(padded)
        # positions of '<' and '"' in one list: a tag's quotes follow its '<' there
        nz = np.flatnonzero((b == 60) | (b == 34))
        isq = np.append(b[nz] == 34, [False] * 4)
        lt_at = np.flatnonzero(~isq[:-4])
        lt_all = nz[lt_at]
        nz = np.append(nz, [len(b) + 1] * 4)
        first = padded[lt_all + 1]
        keep = first != 33  # comments
        lt, first, lt_at = lt_all[keep], first[keep], lt_at[keep]
        # each tag ends at the last '>' before the next '<' (only whitespace or a comment between)
        end = np.append(lt_all[1:], len(b))[keep] - 1
        back = np.flatnonzero(padded[end] != 62)
        while len(back):
            end[back] -= 1
            back = back[padded[end[back]] != 62]
        close = first == 47
        empty = ~close & (padded[end - 1] == 47)
        delta = 1 - close.astype(np.int8) * 2 - empty
        start = lt + 1 + close
        # names up to 7 bytes: the bytes before the first non-name byte, as one integer
        word = u64[start]
        length = _name_length(word)
        word = word & _LENMASK[length]
        codes, uniques = pd.factorize(word)
        lookup = np.empty(len(uniques), dtype=np.int32)
        first_at = np.empty(len(uniques), dtype=np.int64)
        first_at[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins
        for i, (w, ln) in enumerate(zip(uniques, length[first_at], strict=True)):
            if ln < 8:
                lookup[i] = self.name_id(int(w).to_bytes(8, "little")[:ln].decode("ascii"))
            else:
                lookup[i] = -1
        gid = lookup[codes]
        for i in np.flatnonzero(gid < 0):  # long names, one by one
            m = re.match(rb"[A-Za-z0-9_.\-]+", data[start[i] : start[i] + 200])
            gid[i] = self.name_id(data[start[i] : start[i] + len(m.group())].decode("ascii"))
        # the usual <string key=".." value=".."/> form, vectorised
        types = np.array([self.name_id(t) for t in sorted(_TYPES)])
        cand = np.flatnonzero(~close & np.isin(gid, types) & (length < 8))
        nl = start[cand] + length[cand]
        ok = (u64[nl] & _LENMASK[6]) == _KEY  # ' key="' right after the name
        cand, nl = cand[ok], nl[ok]
        t = lt_at[cand]
        q0, q1, q2, q3 = nz[t + 1], nz[t + 2], nz[t + 3], nz[t + 4]
        e = end[cand]
        ok = isq[t + 1] & isq[t + 2] & isq[t + 3] & isq[t + 4]
        ok &= (q0 == nl + 5) & (q3 < e) & (q2 - q1 == 8)
        ok &= u64[np.where(ok, q1 + 1, 0)] == _VALUE
        ok &= (e - q3 == 1) | ((e - q3 == 2) & empty[cand])
        fast = cand[ok]
        q0, q1, q2, q3 = q0[ok], q1[ok], q2[ok], q3[ok]
        # other start tags with XML attributes (a quote inside) are read one by one
        rest = ~close
        rest[fast] = False
        other = np.flatnonzero(rest)
        if data.find(b"'") >= 0:
            quotes = np.flatnonzero((b == 34) | (b == 39))
            k = np.minimum(np.searchsorted(quotes, lt[other]), len(quotes) - 1)
            has = (quotes[k] > lt[other]) & (quotes[k] < end[other])
        else:
            t = lt_at[other] + 1
            has = isq[t] & (nz[t] < end[other])
        for i in other[has]:
            self.attrs[self.n + int(i)] = self._parse_attrs(data[start[i] : end[i]])
        self.attr_tok.append(self.n + fast)
        enc = _views(u64, buffer, q0 + 1, q1 - q0 - 1).dictionary_encode()
        number = np.array(
            [self.keys.setdefault(k, len(self.keys)) for k in enc.dictionary.to_pylist()],
            dtype=np.int64,
        )
        self.attr_code.append(number[enc.indices.to_numpy(zero_copy_only=False)])
        self.attr_val.append(_views(u64, buffer, q2 + 1, q3 - q2 - 1).cast(pa.large_string()))
        if data.find(b"&") >= 0:
            # each '&' lies in at most one value: the one whose closing quote comes next
            amp = np.flatnonzero(b == 38)
            at = np.minimum(np.searchsorted(q3, amp), len(q3) - 1)
            has = np.zeros(len(fast), dtype=bool)
            if len(q3):
                has[at[(q2[at] < amp) & (amp < q3[at])]] = True
            self.attr_amp.append(has)
        else:
            self.attr_amp.append(np.zeros(len(fast), dtype=bool))
        self.gid.append(gid)
        self.delta.append(delta)
        self.n += len(lt)

    @staticmethod
    def _parse_attrs(tag: bytes) -> dict[str, str]:
        text = tag.decode("utf-8")
        found = _ATTR.findall(text, re.match(r"[^\s/>]*", text).end())
        attrs: dict[str, str] = {}
        for name, v2, v1 in found:
            reserved = name in ("xmlns:xml", "xmlns:xmlns")
            if name in attrs or reserved or (":" in name and not (v2 + v1)):
                raise _Fallback  # duplicate attribute, namespace prefix: lxml decides
            attrs[name] = _unescape(v2 or v1)
        return attrs


def _read_chunks(fh):
    """Complete tags, chunk by chunk (each cut just before a '<'), after the XML declaration."""
    buf = fh.read(_CHUNK)
    while len(buf) < 4096 and b"?>" not in buf:  # the XML declaration in one piece
        more = fh.read(_CHUNK)
        if not more:
            break
        buf += more
    if buf.startswith(b"\xef\xbb\xbf"):
        buf = buf[3:]
    if buf.startswith(b"<?xml"):
        m = _DECL.match(buf)
        if m is None:
            raise _Fallback
        buf = buf[m.end() :]
    buf = buf.lstrip(b" \t\r\n")
    if not buf.startswith(b"<"):
        raise _Fallback
    while True:
        data = fh.read(_CHUNK)
        if not data:
            yield buf
            return
        buf += data
        cut = buf.rfind(b"<")
        if cut > 0:
            yield buf[:cut]
            buf = buf[cut:]


def _read_fast(fh) -> _Parsed:
    """Read with the vectorised fast path; raises :class:`_Fallback` outside its subset."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    tok = _Tokens()
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = None
        for data in _read_chunks(fh):
            later = pool.submit(_check, data)
            if checked is not None:
                tok.chunk(checked.result())
            checked = later
        if checked is not None:
            tok.chunk(checked.result())
    if tok.n == 0:
        raise _Fallback
    gid = np.concatenate(tok.gid)
    delta = np.concatenate(tok.delta).astype(np.int64)
    n = len(gid)
    depth = np.cumsum(delta)
    if depth[-1] != 0 or (depth[:-1] <= 0).any():
        raise _Fallback  # unbalanced, or more than one root
    level = np.where(delta < 0, depth, depth - delta)
    oc = np.flatnonzero(delta != 0)
    order = oc[np.argsort(level[oc], kind="stable")]
    if (delta[order[0::2]] != 1).any() or (gid[order[0::2]] != gid[order[1::2]]).any():
        raise _Fallback  # an end tag that does not match its start tag
    opens = np.flatnonzero(delta == 1)
    okeys = np.sort(level[opens] * (n + 1) + opens)

    # the last start tag before each tag: its parent, unless a sibling with children came between
    last_open = np.maximum.accumulate(np.where(delta == 1, np.arange(n), -1))

    def parent(idx: np.ndarray) -> np.ndarray:
        par = last_open[idx - 1]
        odd = np.flatnonzero(level[par] != level[idx] - 1)
        if len(odd):
            i = idx[odd]
            par[odd] = okeys[np.searchsorted(okeys, (level[i] - 1) * (n + 1) + i) - 1] % (n + 1)
        return par

    names = {v: k for k, v in tok.names.items()}
    out = _Parsed()
    elem = delta >= 0
    ev = np.flatnonzero(elem & (gid == tok.names.get("event", -1)))
    tr = np.flatnonzero(elem & (gid == tok.names.get("trace", -1)))
    gl = np.flatnonzero(elem & (gid == tok.names.get("global", -1)))
    if len(ev) or len(tr) or len(gl):
        out.root_tag = names[int(gid[0])]
        if out.root_tag != "log":
            return out
    ev_parent = parent(ev) if len(ev) else ev
    tr_parent = parent(tr) if len(tr) else tr
    gl_parent = parent(gl) if len(gl) else gl
    if (tr_parent != 0).any() or (gl_parent != 0).any():
        raise _Fallback  # nested traces or globals: the general path's rules apply
    is_trace = np.zeros(n, dtype=bool)
    is_trace[tr] = True
    if not (is_trace[ev_parent] | (ev_parent == 0)).all():
        raise _Fallback  # an event inside something other than a trace
    tr_row = np.full(n, -1, dtype=np.int64)
    tr_row[tr] = np.arange(len(tr))
    ev_row = np.full(n, -1, dtype=np.int64)
    ev_row[ev] = np.arange(len(ev))
    out.n_events, out.n_traces = len(ev), len(tr)
    out.event_case = np.where(ev_parent == 0, -1, tr_row[ev_parent])

    # key/value attribute elements: the vectorised ones plus those read one by one
    at = np.concatenate(tok.attr_tok)
    codes = np.concatenate(tok.attr_code)
    keys = [_unescape(k) for k in tok.keys]
    aval = pa.concat_arrays(tok.attr_val)
    amp = np.concatenate(tok.attr_amp)
    types = {tok.names[t] for t in _TYPES if t in tok.names}
    extra = [
        (i, a["key"], a.get("value"))
        for i, a in sorted(tok.attrs.items())
        if "key" in a and int(gid[i]) in types and delta[i] >= 0
    ]
    if extra:
        number = {k: i for i, k in enumerate(keys)}
        more = [number.setdefault(e[1], len(number)) for e in extra]
        keys = list(number)
        at = np.concatenate([at, np.array([e[0] for e in extra], dtype=np.int64)])
        codes = np.concatenate([codes, np.array(more, dtype=np.int64)])
        aval = pa.concat_arrays([aval, pa.array([e[2] for e in extra], pa.large_string())])
        amp = np.concatenate([amp, np.zeros(len(extra), dtype=bool)])  # already unescaped
        order = np.argsort(at, kind="stable")
        at, codes, aval, amp = at[order], codes[order], aval.take(order), amp[order]
    apar = parent(at) if len(at) else at
    kind_of = [names[g] for g in range(len(names))]
    agid = gid[at]
    for rows, cols in ((ev_row[apar], out.events), (tr_row[apar], out.traces)):
        sel = np.flatnonzero(rows >= 0)
        _fill(cols, rows[sel], codes[sel], sel, keys, aval, amp, agid[sel], kind_of)
    scope_event = [int(g) for g in gl if tok.attrs.get(int(g), {}).get("scope") == "event"]
    if scope_event:
        sel = np.flatnonzero(np.isin(apar, scope_event))
        for i, v in zip(sel.tolist(), aval.take(sel).to_pylist(), strict=True):
            v = _unescape(v) if amp[i] else v
            out.event_defaults[keys[codes[i]]] = (kind_of[int(agid[i])], v)
    return out


def _fill(cols: _Columns, rows, codes, index, keys: list, values, amp, gids, kind_of) -> None:
    """Split attribute rows by key code into ``cols``, keys in order of first appearance.

    ``index`` numbers each row's value in ``values`` (``amp``: it holds an entity reference);
    a key's kind is that of its first row.
    """
    if len(rows) == 0:
        return
    n_keys = int(codes.max()) + 1
    first = np.full(n_keys, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins: the first row
    present = np.flatnonzero(first >= 0)
    present = present[np.argsort(first[present], kind="stable")]
    if len(present) > 32:  # many keys: one sort instead of a mask per key
        by = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[by], np.arange(n_keys + 1))
        groups = {c: by[bounds[c] : bounds[c + 1]] for c in present}
    else:
        groups = {c: np.flatnonzero(codes == c) for c in present}
    for c in present:
        sel = groups[c]
        key = keys[int(c)]
        cols.rows[key] = rows[sel]
        cols.values[key] = (values, index[sel], bool(amp[index[sel]].any()))
        cols.types[key] = kind_of[int(gids[sel[0]])]


# --- general path -------------------------------------------------------------------------------


def _read_general(fh, p: Path, file: str) -> _Parsed:
    """Read with lxml iterparse (any well-formed XES); XML errors become a located DataError."""
    from lxml import etree

    out = _Parsed()
    events, traces = out.events, out.traces
    event_case: list[int] = []
    event_defaults = out.event_defaults
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
    out.event_case = np.asarray(event_case, dtype=np.int64)
    out.n_events, out.n_traces, out.root_tag = n_events, n_traces, root_tag
    return out


def _open_checked(p: Path, file: str):
    try:
        fh = _open(p)
    except FileNotFoundError:
        raise DataError("file not found", file=file) from None
    except IsADirectoryError:
        raise DataError("is a directory; expected a file", file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=file) from None
    return fh


def read_xes(path: str | Path, *, fast: bool = True) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read an XES log into ``(events, cases)`` (``cases`` None when traces have no attributes).

    ``events`` has ``case_id``, ``activity``, ``timestamp`` (and ``resource``) plus every other
    event attribute under its XES key; ``cases`` one row per trace with its attributes.
    ``fast=False`` skips the vectorised fast path (the result is the same; tests compare them).
    """
    p = Path(path)
    file = str(p)
    fh = _open_checked(p, file)
    if p.is_file() and p.stat().st_size == 0:
        fh.close()
        raise DataError("file is empty; expected an XES log", file=file)
    parsed = None
    if fast:
        try:
            with fh:
                parsed = _read_fast(fh)
        except _Fallback:
            parsed = None
        except (EOFError, OSError, zlib.error) as exc:
            raise DataError(f"truncated or corrupt gzip file ({exc})", file=file) from None
        if parsed is None:
            fh = _open_checked(p, file)
    if parsed is None:
        parsed = _read_general(fh, p, file)
    return _assemble(parsed, file)


def _assemble(parsed: _Parsed, file: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    root_tag, n_events, n_traces = parsed.root_tag, parsed.n_events, parsed.n_traces
    if root_tag is not None and root_tag != "log":
        raise DataError(
            f"not an XES log: the root element must be <log>, not <{root_tag}>", file=file
        )
    if n_events == 0:
        raise DataError("the log has no events", file=file)
    ev = parsed.events.frame(n_events, _RENAME_EVENT, parsed.event_defaults, file)
    case_numbers = np.asarray(parsed.event_case, dtype=np.int64)
    cases = parsed.traces.frame(n_traces, _RENAME_TRACE, {}, file) if n_traces else None
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
