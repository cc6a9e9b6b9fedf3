"""Labels of the micro-learning pages (kit.labs.learning) and the dashboards' "Lär dig" link."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # --- learning pages (kit.labs.learning) ----------------------------------------------
    "learn.title": {"sv": "Lär dig läsa testlabben", "en": "Learn to read the testlabs"},
    "learn.intro": {
        "sv": "Korta texter, en per testlabb: vad labbet visar, hur du läser varje diagram och nyckeltal, vanliga feltolkningar och vad du kan pröva sedan. Läs dem i den föreslagna ordningen – varje text tar några minuter.",
        "en": "Short pieces, one per testlab: what the lab shows, how to read each chart and key figure, common misreadings and what to try next. Read them in the suggested order – each takes a few minutes.",
    },
    "learn.total": {
        "sv": "{n} texter, sammanlagt ungefär {minutes} minuters läsning.",
        "en": "{n} pieces, about {minutes} minutes of reading in all.",
    },
    "learn.minutes": {"sv": "{n} min läsning", "en": "{n} min read"},
    "learn.words": {"sv": "{n} ord", "en": "{n} words"},
    "learn.step": {"sv": "Steg {n}", "en": "Step {n}"},
    "learn.open_dashboard": {
        "sv": "Öppna instrumentpanelen ”{title}”",
        "en": "Open the dashboard “{title}”",
    },
    "learn.back_to_index": {"sv": "← Alla texter", "en": "← All pieces"},
    "learn.back_to_dashboards": {"sv": "← Instrumentpanelerna", "en": "← Dashboards"},
    "learn.none": {
        "sv": "Inget testlabb har någon text att lära sig av ännu.",
        "en": "No testlab has a learning piece yet.",
    },
    "learn.index_link": {
        "sv": "Lär dig läsa instrumentpanelerna – korta texter, några minuter var",
        "en": "Learn to read the dashboards – short pieces, a few minutes each",
    },
    # --- the link on every dashboard (kit.present.dashboard) -----------------------------
    "learn.dashboard_link": {
        "sv": "Lär dig: hur läser jag sidan?",
        "en": "Learn: how do I read this page?",
    },
}
