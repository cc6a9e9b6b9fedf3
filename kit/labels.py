"""Every text a dashboard or report shows, in Swedish (default) and English.

One place for all labels, so a translation or a change of wording is one edit. Keys are
dotted ``area.name``; values map a language code to the text. ``{name}`` placeholders are
filled by :func:`t`. Add new labels in the section of their area.
"""

from __future__ import annotations

LANGUAGES = ("sv", "en")
DEFAULT_LANG = "sv"

LABELS: dict[str, dict[str, str]] = {
    # --- common -----------------------------------------------------------------------
    "common.municipality": {"sv": "Kommun", "en": "Municipality"},
    "common.period": {"sv": "Period", "en": "Period"},
    "common.case_type": {"sv": "Ärendetyp", "en": "Case type"},
    "common.all": {"sv": "Alla", "en": "All"},
    "common.days": {"sv": "dagar", "en": "days"},
    "common.cases": {"sv": "ärenden", "en": "cases"},
    "common.target": {"sv": "Mål", "en": "Target"},
    "common.synthetic_data": {
        "sv": "Syntetiska exempeldata – inga verkliga ärenden eller personer.",
        "en": "Synthetic sample data – no real cases or people.",
    },
    "common.no_data": {"sv": "Inga ärenden matchar urvalet.", "en": "No cases match the selection."},
    # --- case types (kit.schemas canonical codes) ------------------------------------
    "case_type.bygglov": {"sv": "Bygglov", "en": "Building permit"},
    "case_type.rivningslov": {"sv": "Rivningslov", "en": "Demolition permit"},
    "case_type.marklov": {"sv": "Marklov", "en": "Site-works permit"},
    "case_type.forhandsbesked": {"sv": "Förhandsbesked", "en": "Outline permission"},
    "case_type.anmalan": {"sv": "Anmälan", "en": "Notification"},
    # --- activities (canonical event vocabulary) ---------------------------------------
    "activity.received": {"sv": "Ansökan inkommen", "en": "Application received"},
    "activity.completion_requested": {"sv": "Föreläggande om komplettering", "en": "Completion requested"},
    "activity.supplement_received": {"sv": "Komplettering inkommen", "en": "Supplement received"},
    "activity.complete": {"sv": "Komplett ansökan", "en": "Application complete"},
    "activity.neighbour_consultation": {"sv": "Grannehörande", "en": "Neighbour consultation"},
    "activity.referral": {"sv": "Remiss", "en": "Referral"},
    "activity.deadline_extended": {"sv": "Förlängd tidsfrist", "en": "Time limit extended"},
    "activity.decision": {"sv": "Beslut", "en": "Decision"},
    "activity.announced": {"sv": "Kungörelse i PoIT", "en": "Announced (PoIT)"},
    "activity.legal_force": {"sv": "Laga kraft", "en": "Legal force"},
    "activity.technical_consultation": {"sv": "Tekniskt samråd", "en": "Technical consultation"},
    "activity.start_clearance": {"sv": "Startbesked", "en": "Start clearance"},
    "activity.site_visit": {"sv": "Arbetsplatsbesök", "en": "Site visit"},
    "activity.final_consultation": {"sv": "Slutsamråd", "en": "Final consultation"},
    "activity.final_clearance": {"sv": "Slutbesked", "en": "Final clearance"},
    "activity.withdrawn": {"sv": "Återkallad", "en": "Withdrawn"},
    # --- KPIs shared by labs and the lab template -----------------------------------------
    "kpi.median_days": {"sv": "Median handläggningstid", "en": "Median lead time"},
    # --- site index (testlab serve) ----------------------------------------------------
    "index.title": {"sv": "Digitala testlabb – instrumentpaneler", "en": "Digital testlabs – dashboards"},
    "index.intro": {
        "sv": "Välj en instrumentpanel. Varje testlabb besvarar en fråga om plan- och bygglovsprocessen.",
        "en": "Pick a dashboard. Each testlab answers one question about the planning and building-permit process.",
    },
    "index.question": {"sv": "Fråga", "en": "Question"},
    "index.open": {"sv": "Öppna", "en": "Open"},
    "index.other_language": {"sv": "In English", "en": "På svenska"},
    # --- maps -----------------------------------------------------------------------------
    "map.basemap": {"sv": "Bakgrundskarta", "en": "Basemap"},
    "map.legend_lead_time": {"sv": "Handläggningstid", "en": "Lead time"},
    "map.missing": {"sv": "Ej beslutat / saknas", "en": "Not decided / missing"},
    "map.all": {"sv": "Alla", "en": "All"},
    "map.col.case_id": {"sv": "Ärende", "en": "Case"},
    "map.col.case_type_label": {"sv": "Ärendetyp", "en": "Case type"},
    "map.col.lead_time_days": {"sv": "Handläggningstid (dagar)", "en": "Lead time (days)"},
    "map.col.received": {"sv": "Inkom", "en": "Received"},
    "map.col.district": {"sv": "Område", "en": "District"},
    "map.col.property": {"sv": "Fastighet", "en": "Property"},
}


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
