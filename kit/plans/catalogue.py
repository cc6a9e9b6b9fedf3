"""Boverket's Planbestämmelsekatalogen: recognising the regulations of a digital detailed plan.

Every regulation (planbestämmelse) in a plan made under BFS 2020:5 refers to a catalogue entry
by UUID (``planbestammelsekatalogreferens``) and states its wording (``bestammelseformulering``)
with the entry's variables filled in, e.g. ``Högsta nockhöjd är [höjd:decimaltal] meter.`` →
``Högsta nockhöjd är 8,5 meter.``. The kit bundles a subset of the catalogue
(``kit/plans/data/planbestammelser-subset.json``, see :data:`ATTRIBUTION`) and recognises a regulation
by its UUID, or failing that by matching its wording against the entries' wording patterns.

:data:`RULES` says which entries the plan check understands and what it checks for each;
an entry not listed there is recognised but not interpreted (the check reports it for manual
review, quoting its wording).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "planbestammelser-subset.json"
ATTRIBUTION = "Källa: Boverket, Planbestämmelsekatalogen (release 20251201, published 2025-12-01)"

USE = "Användningsbestämmelse"
PROPERTY = "Egenskapsbestämmelse"

# A variable in a wording: [name:datatype], e.g. [höjd:decimaltal] or [byggnadsverk:text]
_VARIABLE = re.compile(r"\[([^\[\]:]+):([^\[\]]+)\]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Swedish numbers: decimal comma, spaces (also no-break and thin) between thousands
_NUMBER = r"[-−]?\d[\d \u00a0\u2009\u202f]*(?:[.,]\d+)?"
_NUMERIC_TYPES = ("decimaltal", "heltal")


@dataclass(frozen=True)
class Rule:
    """What the plan check does with a catalogue entry.

    ``rule`` names the check (see :mod:`kit.plans.check`); ``attribute`` is the proposal value it
    compares (``nockhojd``, ``totalhojd``, ``building_area``, ``building_area_pct``,
    ``plot_area``) and ``bound`` is ``"max"`` or ``"min"``; both are empty for land use and
    prickmark.
    """

    rule: str
    attribute: str = ""
    bound: str = ""


# Catalogue code (kod) -> the check it drives. Heights "över angivet nollplan" and the
# "på [byggnadsverk]" variants need a reference level or a building type the proposal does not
# carry, so they stay uninterpreted (manual review).
RULES: dict[str, Rule] = {
    "DP_KM_Eg_Hojd_HogstaHojd_Nockhojd": Rule("max_ridge_height", "nockhojd", "max"),
    "DP_KM_Eg_Hojd_HogstaHojd_Totalhojd": Rule("max_total_height", "totalhojd", "max"),
    "DP_KM_Eg_Hojd_LagstaHojd_Nockhojd": Rule("min_ridge_height", "nockhojd", "min"),
    "DP_KM_Eg_Hojd_LagstaHojd_Totalhojd": Rule("min_total_height", "totalhojd", "min"),
    "DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen": Rule(
        "max_building_area_pct", "building_area_pct", "max"
    ),
    "DP_KM_Eg_Utnytt_StorstaAreaKvm_Byggnadsarea": Rule(
        "max_building_area_m2", "building_area", "max"
    ),
    "DP_KM_Eg_Utnytt_StorstaAreaKvm_ByggnadsareaFastigh": Rule(
        "max_building_area_m2", "building_area", "max"
    ),
    "DP_KM_Eg_Fastighetsstorlek_Minsta_Minsta": Rule("min_plot_size", "plot_area", "min"),
    "DP_KM_Eg_Fastighetsstorlek_Storsta_Storsta": Rule("max_plot_size", "plot_area", "max"),
    # prickmark: "Marken får inte förses med byggnad" (a byggnadsverk ban includes buildings)
    "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_Prickmark": Rule("prickmark"),
    "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_EjByggnad": Rule("prickmark"),
    "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_EjByggnadsverk": Rule("prickmark"),
    "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_EjByggnadsverkPrickmark": Rule(
        "prickmark"
    ),
}
LAND_USE = Rule("land_use")


def parse_decimal(text: str | float | int) -> float:
    """A number written the Swedish way (``"8,5"``, ``"1 200"``, ``"−2"``) or a plain number.

    Raises ``ValueError`` when ``text`` is not a number.
    """
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, int | float):
        return float(text)
    cleaned = re.sub(r"[ \u00a0\u2009\u202f]", "", str(text)).replace("−", "-").replace(",", ".")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)


def _normalise(text: str) -> str:
    """Wording compared without runs of whitespace or a final full stop (case is ignored by the
    patterns)."""
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(". ")


@dataclass(frozen=True)
class Entry:
    """One catalogue entry (planbestämmelse in Planbestämmelsekatalogen)."""

    id: str  # UUID the plan refers to in planbestammelsekatalogreferens
    kod: str  # e.g. DP_KM_Eg_Hojd_HogstaHojd_Nockhojd
    formulering: str  # wording with variables, e.g. "Högsta nockhöjd är [höjd:decimaltal] meter."
    typ: str  # Användningsbestämmelse or Egenskapsbestämmelse
    kategori: str = ""
    underkategori: str = ""
    beteckning: str = ""  # map label pattern: B, C#, h#, e#; empty for prickmark (a symbol)
    uttryckt_varde: str = ""  # Max, Min or Exakt
    symbol: str = ""
    variables: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def rule(self) -> Rule | None:
        """The check this entry drives, or None when the kit does not interpret it."""
        if self.typ == USE:
            return LAND_USE
        return RULES.get(self.kod)

    @property
    def letter(self) -> str:
        """Land-use letter of an användningsbestämmelse (B, C, K, …); empty otherwise."""
        return self.beteckning[:1] if self.typ == USE else ""

    @property
    def literal_length(self) -> int:
        """Characters outside variables: a longer literal is a more specific wording."""
        return len(_VARIABLE.sub("", _normalise(self.formulering)))

    @property
    def numeric_variables(self) -> list[str]:
        return [name for name, kind in self.variables if kind in _NUMERIC_TYPES]

    @property
    def pattern(self) -> re.Pattern[str]:
        return _wording_pattern(self.formulering)

    def match(self, wording: str) -> dict[str, str] | None:
        """The variable values in ``wording`` if it follows this entry's wording, else None."""
        m = self.pattern.fullmatch(_normalise(wording))
        if m is None:
            return None
        return {name: m.group(f"v{i}").strip() for i, (name, _) in enumerate(self.variables)}


@cache
def _wording_pattern(formulering: str) -> re.Pattern[str]:
    """Regex for a catalogue wording: literal text escaped, each variable a named group."""
    parts: list[str] = []
    pos = 0
    text = _normalise(formulering)
    for i, m in enumerate(_VARIABLE.finditer(text)):
        parts.append(re.escape(text[pos : m.start()]).replace(r"\ ", r"\s*"))
        kind = m.group(2)
        parts.append(f"(?P<v{i}>{_NUMBER})" if kind in _NUMERIC_TYPES else f"(?P<v{i}>.*?)")
        pos = m.end()
    parts.append(re.escape(text[pos:]).replace(r"\ ", r"\s*"))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


class Catalogue:
    """The bundled catalogue subset: look up entries by UUID or by wording."""

    def __init__(self, entries: list[Entry], *, source: str = "", release: str = "") -> None:
        self.entries = entries
        self.source = source
        self.release = release
        self._by_id = {e.id.lower(): e for e in entries}
        # Most specific wording first; entries that are one free-text variable ("[användning:text]")
        # would match any text, so they are only found by UUID.
        self._by_wording = sorted(
            (e for e in entries if e.literal_length > 0),
            key=lambda e: -e.literal_length,
        )

    def __len__(self) -> int:
        return len(self.entries)

    def by_id(self, reference: object) -> Entry | None:
        """The entry a ``planbestammelsekatalogreferens`` points at (a UUID, or a URI or object
        holding one), or None when absent or not in the subset."""
        uuid = extract_uuid(reference)
        return self._by_id.get(uuid.lower()) if uuid else None

    def by_kod(self, kod: str) -> Entry | None:
        return next((e for e in self.entries if e.kod == kod), None)

    def by_wording(
        self, wording: str, typ: str | None = None
    ) -> tuple[Entry, dict[str, str]] | None:
        """The most specific entry whose wording pattern ``wording`` follows, with its values.

        ``typ`` (``Användningsbestämmelse`` / ``Egenskapsbestämmelse``) narrows the search."""
        for entry in self._by_wording:
            if typ and entry.typ != typ:
                continue
            values = entry.match(wording)
            if values is not None:
                return entry, values
        return None


def extract_uuid(reference: object) -> str | None:
    """The first UUID in a catalogue reference: ``"84b2…"``, ``"https://…/84b2…"`` or
    ``{"id": "84b2…"}``."""
    if reference is None:
        return None
    if isinstance(reference, dict):
        reference = " ".join(str(v) for v in reference.values())
    m = _UUID.search(str(reference))
    return m.group(0) if m else None


def read_catalogue(path: str | Path = CATALOGUE_FILE) -> Catalogue:
    """Read a catalogue file in the bundled subset's form (``entries`` with id, kod, formulering,
    typ, …)."""
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    entries = []
    for item in raw["entries"]:
        formulering = item["formulering"]
        entries.append(
            Entry(
                id=item["id"],
                kod=item["kod"],
                formulering=formulering,
                typ=item["typ"],
                kategori=item.get("kategori") or "",
                underkategori=item.get("underkategori") or "",
                beteckning=item.get("beteckning") or "",
                uttryckt_varde=item.get("uttryckt_varde") or "",
                symbol=item.get("symbol") or "",
                variables=tuple((m.group(1), m.group(2)) for m in _VARIABLE.finditer(formulering)),
            )
        )
    return Catalogue(entries, source=raw.get("source", ""), release=raw.get("release_name", ""))


@cache
def load_catalogue() -> Catalogue:
    """The bundled subset (read once per process)."""
    return read_catalogue(CATALOGUE_FILE)
