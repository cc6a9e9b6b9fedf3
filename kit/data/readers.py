"""Read CSV (as Swedish Excel writes it) and XLSX files into raw frames of strings.

A raw frame has the file's own column names and every value as a string (``str`` dtype,
missing = NA); turning values into dates and numbers is :mod:`kit.data.schemas`' job, so that a bad
value becomes a located problem rather than a crash.

CSV dialects accepted:

* separator ``;`` (Swedish Excel, where the comma is the decimal sign) or ``,``, detected from
  the header line; tab is accepted too;
* encoding UTF-8 with or without BOM, or Windows-1252 (what older Excel writes); å, ä, ö
  survive both. A file mixing the two is refused with the first offending line;
* quoted fields (``"..."``) with separators, doubled quotes and line breaks inside.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from kit.errors import DataError

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
#: Largest total uncompressed size (bytes) of an ``.xlsx`` workbook the reader opens, summed over
#: the zip's central directory before openpyxl reads anything (a zip bomb is refused at once).
#: Override with the environment variable ``TESTLAB_XLSX_MAX_MB``.
XLSX_MAX_INFLATED = 100 * 2**20
XLSX_MAX_ENV = "TESTLAB_XLSX_MAX_MB"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SEPARATORS = (";", ",", "\t")


def read_table(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file (chosen by extension) into a raw frame of strings."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(p, sheet=sheet)
    if suffix in CSV_SUFFIXES:
        return read_csv(p)
    raise DataError(
        f"unsupported file type {suffix or '(none)'!r}; expected .csv, .xlsx, .xes or .xes.gz",
        file=str(p),
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise DataError("is a directory; expected a file", file=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=str(path)) from None


def decode(data: bytes, file: str) -> str:
    """Decode CSV bytes: UTF-8 (BOM optional) or, failing that, Windows-1252."""
    if b"\x00" in data[:65536]:
        raise DataError("binary file (NUL bytes); expected CSV text", file=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Valid UTF-8 sequences for letters before the first invalid byte mean the file mixes the
    # two encodings; decoding it either way would corrupt names, so refuse and say where.
    head = data[:first_bad]
    if any(
        seq in head
        for seq in (
            b"\xc3\xa5",
            b"\xc3\xa4",
            b"\xc3\xb6",
            b"\xc3\x85",
            b"\xc3\x84",
            b"\xc3\x96",
            b"\xc3\xa9",
        )
    ):
        line = data.count(b"\n", 0, first_bad) + 1
        raise DataError(
            f"mixed encodings: line {line} is not UTF-8 although earlier lines are; "
            "save the file again as UTF-8",
            file=file,
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"line {line}: not text in UTF-8 or Windows-1252 (byte 0x{data[exc.start]:02x})",
            file=file,
        ) from None


def _first_record(text: str) -> str:
    """The header line (a header with quoted line breaks is rare enough to ignore)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def detect_separator(header: str) -> str:
    """``;``, ``,`` or tab: the one that occurs most in the header line outside quotes."""
    outside = header.split('"')[::2]
    counts = {sep: sum(part.count(sep) for part in outside) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ";"


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file into a frame of strings. Raises :class:`DataError` with the location."""
    p = Path(path)
    file = str(p)
    data = _read_bytes(p)
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataError("file is empty; expected a header row and data rows", file=file)
    text = decode(data, file)
    sep = detect_separator(_first_record(text))
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        df = _read_fast(text, sep, file)
    except DataError:
        raise
    except Exception:  # noqa: BLE001 - the slow reader below finds and names the exact problem
        df = _read_slow(text, sep, file)
    if len(df) == 0:
        raise DataError(
            "no data rows; expected at least one row after the header", file=file, row=1
        )
    return df


def _header(text: str, sep: str, file: str) -> list[str]:
    try:
        header = next(csv.reader(io.StringIO(_first_record(text)), delimiter=sep))
    except (csv.Error, StopIteration):
        raise DataError("cannot read the header row", file=file, row=0) from None
    names = [h.strip().lstrip("\ufeff") for h in header]
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"column {i + 1} has an empty name in the header", file=file, row=0)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(
                f"column {name!r} occurs twice in the header", file=file, row=0, column=name
            )
        seen.add(name)
    return names


def _read_fast(text: str, sep: str, file: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header(text, sep, file)
    data = text.encode("utf-8")
    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values='"' in text, ignore_empty_lines=True
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    df = table.to_pandas()
    for name in names:
        if df[name].dtype != "str":
            df[name] = df[name].astype("str")
    return df


def _read_slow(text: str, sep: str, file: str) -> pd.DataFrame:
    names = _header(text, sep, file)
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    rows: list[list[str]] = []
    try:
        next(reader)
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(names):
                raise DataError(
                    f"expected {len(names)} fields separated by {sep!r}, found {len(row)}",
                    file=file,
                    row=len(rows) + 1,
                )
            rows.append(row)
    except csv.Error as exc:
        raise DataError(
            f"malformed CSV near line {reader.line_num} ({exc})", file=file, row=len(rows) + 1
        ) from None
    df = pd.DataFrame(rows, columns=names, dtype="str")
    return df.replace("", pd.NA) if len(df) else df


def read_xlsx(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read the first (or the named) sheet of an ``.xlsx`` workbook into a frame of strings.

    The first row is the header. Dates become ISO strings (naive = Swedish local time), numbers
    are written with a decimal point.
    """
    import zipfile
    import zlib

    from openpyxl import load_workbook

    p = Path(path)
    file = str(p)
    _read_bytes(p)  # same messages as CSV for missing/unreadable files
    _check_inflated_size(p, file)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        raise DataError(
            f"not a readable .xlsx workbook ({type(exc).__name__})", file=file
        ) from None
    try:
        return _sheet_frame(wb, sheet, file)
    except DataError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        OSError,
        EOFError,
        ValueError,
        TypeError,
        SyntaxError,
    ) as exc:
        # openpyxl parses the sheet XML lazily while rows are read: a malformed sheet fails here
        detail = " ".join(str(exc).split())[:120]
        raise DataError(
            f"not a readable .xlsx workbook: the sheet is malformed ({type(exc).__name__}: "
            f"{detail})",
            file=file,
        ) from None
    finally:
        wb.close()


def xlsx_max_inflated() -> int:
    """The cap on a workbook's uncompressed size in bytes (see :data:`XLSX_MAX_INFLATED`)."""
    import os

    text = os.environ.get(XLSX_MAX_ENV, "").strip()
    if not text:
        return XLSX_MAX_INFLATED
    try:
        mb = float(text)
    except ValueError:
        from kit.errors import UsageError

        raise UsageError(f"{XLSX_MAX_ENV}={text!r}: expected a number of megabytes") from None
    return int(mb * 2**20)


def _check_inflated_size(p: Path, file: str) -> None:
    """Refuse a workbook whose members inflate beyond :func:`xlsx_max_inflated` bytes.

    The sizes come from the zip's central directory; Python's zipfile never inflates a member
    beyond its declared size, so the declared total bounds what openpyxl can read.
    """
    import zipfile

    try:
        with zipfile.ZipFile(p) as zf:
            total = sum(max(info.file_size, 0) for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError(
            f"not a readable .xlsx workbook ({type(exc).__name__})", file=file
        ) from None
    cap = xlsx_max_inflated()
    if total > cap:
        raise DataError(
            f"workbook inflates to {total / 2**20:,.0f} MB, more than the {cap / 2**20:,.0f} MB "
            f"the reader accepts (set {XLSX_MAX_ENV} to raise the cap, or save the sheet as CSV)",
            file=file,
        )


def _sheet_frame(wb, sheet: str | None, file: str) -> pd.DataFrame:
    import datetime as dt

    if sheet is not None and sheet not in wb.sheetnames:
        raise DataError(
            f"no sheet {sheet!r}; the workbook has {', '.join(wb.sheetnames)}", file=file
        )
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(h is None for h in header):
        raise DataError("sheet is empty; expected a header row and data rows", file=file)
    while header and header[-1] is None:
        header = header[:-1]
    names = [str(h).strip() if h is not None else "" for h in header]
    for i, n in enumerate(names):
        if not n:
            raise DataError(f"column {i + 1} has an empty name in the header", file=file, row=0)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise DataError(f"column {dup!r} occurs twice in the header", file=file, row=0, column=dup)

    def cell(v):
        if v is None:
            return None
        if isinstance(v, (dt.datetime, dt.date, dt.time)):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        text = str(v).strip()
        return text or None

    width = len(names)
    data = []
    for row in rows:
        values = [cell(v) for v in row[:width]]
        if all(v is None for v in values):
            continue
        data.append(values + [None] * (width - len(values)))
    if not data:
        raise DataError(
            "no data rows; expected at least one row after the header", file=file, row=1
        )
    return pd.DataFrame(data, columns=names, dtype="str")


def read_yaml(path: str | Path, what: str, *, loader: type | None = None) -> object:
    """Parse the YAML file ``path`` (mapping files, questionnaires, action plans).

    A missing file, one that is not UTF-8 text, or invalid YAML raises :class:`DataError`
    naming the file (and the line, for YAML errors); ``what`` names the file in the message
    ("mapping file not found"). ``loader``: a subclass of ``yaml.SafeLoader`` (e.g. one that
    keeps line numbers); never an unsafe loader.
    """
    import yaml

    loader = loader or yaml.SafeLoader
    if not issubclass(loader, yaml.SafeLoader):
        raise TypeError("read_yaml takes only yaml.SafeLoader and its subclasses")
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{what} not found", file=file) from None
    except UnicodeDecodeError:
        raise DataError(f"{what} is not UTF-8 text", file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read {what} ({exc.strerror or exc})", file=file) from None
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader (checked above)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            f"not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'})",
            file=file,
            row=mark.line + 1 if mark else None,
        ) from None
