"""Personal data in permit exports: detection and keyed pseudonyms (pseudonymisering).

Municipal permit exports carry applicants' personnummer, samordningsnummer and names. The kit
replaces them before any analysis, so no dashboard, report or CLI message ever shows them.

Detected in every string column, free text included:

* **personnummer** ``YYMMDD-NNNC``, ``YYMMDD+NNNC`` (the ``+`` from the year a person turns 100),
  ``YYMMDDNNNC`` or with century ``YYYYMMDD-NNNC`` / ``YYYYMMDDNNNC``. The last digit is a Luhn
  check digit (weights 2,1) over the 10-digit form; month and day must be plausible.
* **samordningsnummer**: as personnummer with the day of birth plus 60.
* **organisationsnummer** ``NNNNNN-NNNN`` (Luhn, third digit >= 2), optionally prefixed ``16``.
  Sole traders' numbers are personnummer, so organisation numbers are pseudonymised too.

Each number is normalised to 12 digits (century added) and replaced by ``PN-<12 hex>`` or
``ORG-<12 hex>``: an HMAC-SHA256 of the normalised number under a local key, so one person gets
the same pseudonym in every file, whatever the formatting, and nobody without the key can
recompute it. Values of applicant-name columns become ``NAMN-<12 hex>``.

The key comes from ``TESTLAB_PSEUDONYM_KEY`` or else from a key file (``TESTLAB_KEY_FILE``,
default ``<repository>/.testlab-key``, git-ignored) created with mode 0600 on first use.
Pseudonymised data is still personal data under GDPR: keep the key and the data apart.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from kit.config import REPO_ROOT
from kit.errors import KitError

KEY_ENV = "TESTLAB_PSEUDONYM_KEY"
KEY_FILE_ENV = "TESTLAB_KEY_FILE"

#: Column names (case-insensitive) whose whole values are applicants' names.
NAME_COLUMNS: tuple[str, ...] = (
    "sokande",
    "sökande",
    "applicant",
    "applicant_name",
    "namn",
    "name",
    "kontaktperson",
    "contact_person",
    "fastighetsagare",
    "fastighetsägare",
)

# RE2 (pyarrow) has no look-around: this coarse pattern only pre-selects values worth a look.
_PREFILTER = r"\d{6}[-+]?\d{4}"
# Digits may not touch the number, and our own pseudonyms (hex after PN-/ORG-/NAMN-) never count.
_NUMBER = re.compile(
    r"(?<![0-9])(?<!PN-)(?<!ORG-)(?<!NAMN-)(?P<prefix>\d{2})?(?P<body>\d{6})(?P<sep>[-+]?)(?P<tail>\d{4})(?![0-9])"
)
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit sum of 2*d
_NAME_PSEUDONYM = re.compile(r"NAMN-[0-9a-f]{12}")

# --- number checks ----------------------------------------------------------------------------


def luhn_digit(body: str) -> int:
    """The Luhn check digit (weights 2,1,2,...) for the digits ``body`` (9 for personnummer)."""
    total = sum(_DOUBLED[int(c)] for c in body[::2]) + sum(int(c) for c in body[1::2])
    return (10 - total % 10) % 10


def luhn_ok(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the others."""
    return luhn_digit(digits[:-1]) == int(digits[-1])


def _classify(prefix: str | None, body: str, sep: str, tail: str, today: dt.date) -> str | None:
    """Return the 12-digit normal form prefixed by its kind (``P`` or ``O``), or None."""
    ten = body + tail
    if not luhn_ok(ten):
        return None
    month, day = int(body[2:4]), int(body[4:6])
    if int(body[2]) >= 2:  # organisation numbers: "month" 20 or more
        if prefix in (None, "16") and sep != "+":
            return "O16" + ten
        return None
    if day > 60:  # samordningsnummer
        day -= 60
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    yy = int(body[:2])
    if prefix is not None:
        if prefix not in ("18", "19", "20"):
            return None
        year = int(prefix + body[:2])
    else:
        # the century that makes the person's age as written: '+' means 100 or older
        year = (today.year // 100) * 100 + yy
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"P{year:04d}{body[2:]}{tail}"


def _normal_form(text: str, today: dt.date | None = None) -> str | None:
    m = _NUMBER.fullmatch(text.strip())
    if m is None:
        return None
    return _classify(m["prefix"], m["body"], m["sep"], m["tail"], today or dt.date.today())


def is_personnummer(s: str) -> bool:
    """True for a valid personnummer or samordningsnummer (10 or 12 digits, ``-``/``+``/none)."""
    form = _normal_form(str(s))
    return form is not None and form[0] == "P"


def is_organisation_number(s: str) -> bool:
    """True for a valid organisationsnummer (Luhn, third digit >= 2, optional ``16`` prefix)."""
    form = _normal_form(str(s))
    return form is not None and form[0] == "O"


def find_personal_numbers(text: str) -> list[str]:
    """All personnummer, samordningsnummer and organisation numbers in ``text``, as written."""
    today = dt.date.today()
    return [
        m.group(0)
        for m in _NUMBER.finditer(str(text))
        if _classify(m["prefix"], m["body"], m["sep"], m["tail"], today)
    ]


def shown(value) -> str:
    """``repr`` of a value for an error message, withheld when it holds a personal number."""
    text = str(value)
    return (
        "(a value holding personal data, not shown)" if find_personal_numbers(text) else repr(text)
    )


# --- keys and pseudonyms ----------------------------------------------------------------------


def key_file() -> Path:
    env = os.environ.get(KEY_FILE_ENV)
    return Path(env) if env else REPO_ROOT / ".testlab-key"


def load_key() -> bytes:
    """The pseudonymisation key: ``TESTLAB_PSEUDONYM_KEY``, else the key file (created if absent)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic: concurrent first uses agree on one key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise KitError(f"{path}: cannot read the pseudonymisation key ({exc.strerror})") from None
    if not key:
        raise KitError(f"{path}: the pseudonymisation key file is empty")
    return key.encode("utf-8")


def pseudonym(value: str, key: bytes, prefix: str = "PN") -> str:
    """Keyed pseudonym of an already normalised value: ``<prefix>-<12 hex>`` (HMAC-SHA256)."""
    digest = hmac.digest(key, f"{prefix}:{value}".encode(), "sha256")
    return f"{prefix}-{digest[:6].hex()}"


def _replace_numbers(text: str, key: bytes, today: dt.date, memo: dict) -> str:
    def sub(m: re.Match) -> str:
        text = m.group(0)
        out = memo.get(text)
        if out is None:
            form = _classify(m["prefix"], m["body"], m["sep"], m["tail"], today)
            if form is None:
                out = text
            else:
                out = pseudonym(form[1:], key, "PN" if form[0] == "P" else "ORG")
            memo[text] = out
        return out

    return _NUMBER.sub(sub, text)


def _normal_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _as_arrow_strings(col: pd.Series):
    import pyarrow as pa

    if col.dtype == "str" or isinstance(col.dtype, pd.StringDtype):
        arr = col.array
        data = getattr(arr, "_pa_array", None)
        if data is not None:
            return pa.chunked_array(data) if not isinstance(data, pa.ChunkedArray) else data
    return pa.chunked_array([pa.array(col.astype("str").to_numpy(), type=pa.large_string())])


def _map_uniques(col: pd.Series, fn) -> tuple[pd.Series, bool]:
    """Apply ``fn(uniques: pa.Array) -> list|None`` on the distinct values; rebuild the column."""
    import pyarrow as pa

    arr = _as_arrow_strings(col)
    if arr.null_count == len(arr):
        return col, False
    enc = (
        arr.combine_chunks().dictionary_encode()
        if arr.num_chunks != 1
        else arr.chunk(0).dictionary_encode()
    )
    uniques = enc.dictionary
    new = fn(uniques)
    if new is None:
        return col, False
    taken = pa.array(new, type=pa.large_string()).take(enc.indices)
    return pd.Series(taken.to_pandas(types_mapper=None), index=col.index, name=col.name).astype(
        "str"
    ), True


def _is_string_column(col: pd.Series) -> bool:
    return col.dtype == "str" or isinstance(col.dtype, pd.StringDtype) or col.dtype == object


def pseudonymise(
    df: pd.DataFrame,
    *,
    key: bytes | None = None,
    name_columns=None,
) -> tuple[pd.DataFrame, list[str]]:
    """Replace personal data in every string column with keyed pseudonyms.

    Parameters
    ----------
    df:
        Any frame; only string (``str``/object) columns are looked at.
    key:
        HMAC key; default :func:`load_key`.
    name_columns:
        Column names (case-insensitive) whose values are personal names (sökande); default
        :data:`NAME_COLUMNS`.

    Returns ``(new_frame, columns)``: the input is not modified; ``columns`` lists the
    columns that held personal data (numbers or names), in frame order.
    """
    import pyarrow.compute as pc

    names = {c.casefold() for c in (NAME_COLUMNS if name_columns is None else name_columns)}
    today = dt.date.today()
    found: list[str] = []
    updates: dict = {}
    key_bytes: list[bytes] = [key] if key is not None else []

    def the_key() -> bytes:
        if not key_bytes:
            key_bytes.append(load_key())
        return key_bytes[0]

    for column in df.columns:
        col = df[column]
        if not _is_string_column(col):
            continue
        if str(column).casefold() in names:

            def by_name(uniques):
                k = the_key()
                return [
                    v
                    if v is None or not v.strip() or _NAME_PSEUDONYM.fullmatch(v)
                    else pseudonym(_normal_name(v), k, "NAMN")
                    for v in uniques.to_pylist()
                ]

            new, changed = _map_uniques(col, by_name)
            if changed:
                found.append(column)
                updates[column] = new
            continue

        def numbers(uniques):
            hits = pc.match_substring_regex(uniques, _PREFILTER)
            idx = np.flatnonzero(hits.to_numpy(zero_copy_only=False).astype(bool))
            if len(idx) == 0:
                return None
            values = uniques.to_pylist()
            memo: dict = {}
            changed = False
            k = the_key()
            for i in idx:
                v = values[i]
                new_v = _replace_numbers(v, k, today, memo)
                if new_v != v:
                    values[i] = new_v
                    changed = True
            return values if changed else None

        new, changed = _map_uniques(col, numbers)
        if changed:
            found.append(column)
            updates[column] = new
    if not updates:
        return df, found
    out = df.copy(deep=False)
    for column, series in updates.items():
        out[column] = series
    return out, found


def personal_data_columns(df: pd.DataFrame, name_columns=None) -> list[str]:
    """Names of the columns that hold personal data (never their values)."""
    return pseudonymise(df, key=b"detect-only", name_columns=name_columns)[1]
