"""Every text a dashboard or report shows, in Swedish (default) and English.

One place for all labels, so a translation or a change of wording is one edit. Keys are
dotted ``area.name``; values map a language code to the text. ``{name}`` placeholders are
filled by :func:`t`. Each area (a lab, or what all labs share) has its own module in this
package, listed in :data:`AREAS`; a new lab adds a module and one line there. A key defined by
two areas is an error at import.
"""

from __future__ import annotations

import importlib

LANGUAGES = ("sv", "en")
DEFAULT_LANG = "sv"

#: the modules of this package that hold labels, one per area
AREAS = ("common", "leadtimes", "plancheck")


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


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`kit.errors.UsageError`."""
    if lang not in LANGUAGES:
        from kit.errors import UsageError

        raise UsageError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return lang
