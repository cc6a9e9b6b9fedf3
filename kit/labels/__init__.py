"""Every text a dashboard or report shows, in Swedish (default) and English.

One place for all labels, so a translation or a change of wording is one edit. Keys are
dotted ``area.name``; values map a language code to the text. ``{name}`` placeholders are
filled by :func:`t`. Each area (a lab, or what all labs share) has its own module in this
package, listed in :data:`AREAS`; a new lab adds a module and one line there. A key defined by
two areas is an error at import. Numbers are written in the page's language too
(:func:`number`, :func:`percent`, :func:`money`).

May import: :mod:`kit.errors` only: every layer of the kit uses the labels.
"""

from __future__ import annotations

import importlib

LANGUAGES = ("sv", "en")
DEFAULT_LANG = "sv"

#: the modules of this package that hold labels, one per area
AREAS = (
    "common",
    "leadtimes",
    "plancheck",
    "learning",
    "innovation",
    "actionplan",
    "future_process",
    "runs",
)


def _collect() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in AREAS:
        part = importlib.import_module(f"{__name__}.{area}").LABELS
        twice = sorted(set(part) & set(merged))
        if twice:
            raise RuntimeError(f"kit.labels.{area} defines labels already defined: {twice}")
        merged.update(part)
    return merged


LABELS: dict[str, dict[str, str]] = _collect()


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The label ``key`` in ``lang`` (``"sv"`` or ``"en"``), with ``{placeholders}`` filled.

    An unknown language falls back to Swedish; an unknown key raises ``KeyError`` so a typo
    is caught by the tests rather than shown to a politician.
    """
    entry = LABELS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def number(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """``1234567.8`` as the page's language writes it: ``1\u2009234\u2009567,8`` (Swedish: thin
    space between thousands, decimal comma) or ``1,234,567.8`` (English). None or NaN: ``–``."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u2009").replace(".", ",")
    return text.replace("-", "−", 1) if text.startswith("-") else text


def percent(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A value already in per cent: ``94.8`` → ``94,8\u00a0%`` (sv) or ``94.8\u00a0%`` (en)."""
    return "–" if value is None or value != value else f"{number(value, lang, decimals)}\u00a0%"


def money(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """Swedish kronor: ``1\u2009522\u2009873\u00a0kr`` (sv) or ``1,522,873\u00a0SEK`` (en)."""
    if value is None or value != value:
        return "–"
    return f"{number(value, lang, decimals)}\u00a0{'kr' if lang == 'sv' else 'SEK'}"


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`kit.errors.UsageError`."""
    if lang not in LANGUAGES:
        from kit.errors import UsageError

        raise UsageError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return lang
