"""Labels of the batch-run index page (``build/runs/index.html``)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "runs.title": {"sv": "Körningar och rapporter", "en": "Runs and reports"},
    "runs.intro": {
        "sv": "Varje rad är en körning av en labb med testlab run; länken öppnar rapporten.",
        "en": "Each row is one run of a lab with testlab run; the link opens its report.",
    },
    "runs.lab": {"sv": "Labb", "en": "Lab"},
    "runs.municipality": {"sv": "Kommun", "en": "Municipality"},
    "runs.language": {"sv": "Språk", "en": "Language"},
    "runs.date": {"sv": "Start (UTC)", "en": "Started (UTC)"},
    "runs.status": {"sv": "Status", "en": "Status"},
    "runs.report": {"sv": "Rapport", "en": "Report"},
    "runs.parameters": {"sv": "Parametrar", "en": "Parameters"},
    "runs.status_ok": {"sv": "Klar", "en": "OK"},
    "runs.status_failed": {"sv": "Misslyckades", "en": "Failed"},
    "runs.open_report": {"sv": "Öppna", "en": "Open"},
    "runs.notebook_only": {"sv": "anteckningsbok", "en": "notebook"},
    "runs.none": {"sv": "Inga körningar ännu.", "en": "No runs yet."},
    "runs.lang_sv": {"sv": "svenska", "en": "Swedish"},
    "runs.lang_en": {"sv": "engelska", "en": "English"},
    "runs.other_language": {"sv": "In English", "en": "På svenska"},
    "runs.all_municipalities": {"sv": "–", "en": "–"},
}
