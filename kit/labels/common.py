"""Labels shared by every lab: common words, case types, activities, KPIs, site, maps, charts."""

from __future__ import annotations

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
    # --- the frame of every dashboard (kit.present.dashboard) ---------------------------
    "frame.index": {"sv": "Alla instrumentpaneler", "en": "All dashboards"},
    "frame.other_language": {"sv": "In English", "en": "På svenska"},
    "frame.print": {"sv": "Skriv ut", "en": "Print"},
    "frame.as_of": {"sv": "Data t.o.m. {date}", "en": "Data as of {date}"},
    "frame.source": {"sv": "Källa: {source}", "en": "Source: {source}"},
    "frame.download_xlsx": {"sv": "Ladda ner tabellen (Excel)", "en": "Download the table (Excel)"},
    "frame.download_png": {"sv": "Ladda ner diagrammet (PNG)", "en": "Download the chart (PNG)"},
    "frame.download_svg": {"sv": "Ladda ner diagrammet (SVG)", "en": "Download the chart (SVG)"},
    "common.too_few_cases": {
        "sv": "för få ärenden ({n}) för ett säkert värde",
        "en": "too few cases ({n}) for a reliable figure",
    },
    "common.no_data": {
        "sv": "Inga ärenden matchar urvalet.",
        "en": "No cases match the selection.",
    },
    # --- case types (kit.data.schemas canonical codes) ------------------------------------
    "case_type.bygglov": {"sv": "Bygglov", "en": "Building permit"},
    "case_type.rivningslov": {"sv": "Rivningslov", "en": "Demolition permit"},
    "case_type.marklov": {"sv": "Marklov", "en": "Site-works permit"},
    "case_type.forhandsbesked": {"sv": "Förhandsbesked", "en": "Outline permission"},
    "case_type.anmalan": {"sv": "Anmälan", "en": "Notification"},
    # --- activities (canonical event vocabulary) ---------------------------------------
    "activity.received": {"sv": "Ansökan inkommen", "en": "Application received"},
    "activity.completion_requested": {
        "sv": "Föreläggande om komplettering",
        "en": "Completion requested",
    },
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
    "index.title": {
        "sv": "Digitala testlabb – instrumentpaneler",
        "en": "Digital testlabs – dashboards",
    },
    "index.intro": {
        "sv": "Välj en instrumentpanel. Varje testlabb besvarar en fråga om plan- och bygglovsprocessen.",
        "en": "Pick a dashboard. Each testlab answers one question about the planning and building-permit process.",
    },
    "index.question": {"sv": "Fråga", "en": "Question"},
    "index.open": {"sv": "Öppna", "en": "Open"},
    "index.other_language": {"sv": "In English", "en": "På svenska"},
    "serve.busy.title": {"sv": "Många tittar just nu – försöker igen …", "en": "Busy, retrying …"},
    "serve.busy.text": {
        "sv": "Alla platser är upptagna. Sidan laddas om av sig själv om några sekunder.",
        "en": "Every seat is taken. The page reloads by itself in a few seconds.",
    },
    # --- maps -----------------------------------------------------------------------------
    "map.basemap": {"sv": "Bakgrundskarta", "en": "Basemap"},
    "map.legend_lead_time": {"sv": "Handläggningstid", "en": "Lead time"},
    "map.missing": {"sv": "Ej beslutat / saknas", "en": "Not decided / missing"},
    "map.all": {"sv": "Alla", "en": "All"},
    "map.areas": {"sv": "Områden", "en": "Areas"},
    "map.area": {"sv": "Område", "en": "Area"},
    "map.area_cases": {"sv": "Ärenden", "en": "Cases"},
    "map.area_median": {"sv": "Mediantid (dagar)", "en": "Median time (days)"},
    "map.col.case_id": {"sv": "Ärende", "en": "Case"},
    "map.col.case_type_label": {"sv": "Ärendetyp", "en": "Case type"},
    "map.col.lead_time_days": {"sv": "Handläggningstid (dagar)", "en": "Lead time (days)"},
    "map.col.received": {"sv": "Inkom", "en": "Received"},
    "map.col.district": {"sv": "Område", "en": "District"},
    "map.col.property": {"sv": "Fastighet", "en": "Property"},
    # --- process map (kit.process.processmap) and testlab leadtime -----------------------------------
    "processmap.start": {"sv": "Start", "en": "Start"},
    "processmap.end": {"sv": "Slut", "en": "End"},
    "processmap.edge": {"sv": "{count} · {days} d", "en": "{count} · {days} d"},
    "processmap.events": {"sv": "{count} händelser", "en": "{count} events"},
    "processmap.title": {
        "sv": "Processkarta: pilarnas bredd visar antal, etiketten antal · mediantid i dagar",
        "en": "Process map: arrow width shows the count, the label count · median wait in days",
    },
    "processmap.legend_edge": {
        "sv": "= antal övergångar · mediantid i dagar mellan stegen (pilens bredd visar antalet)",
        "en": "= number of transitions · median days between the steps (arrow width shows the number)",
    },
    "processmap.legend_hot": {
        "sv": "röd: de tre övergångar där ärendena sammanlagt väntar längst (flaskhalsar)",
        "en": "red: the three transitions where cases wait longest in total (bottlenecks)",
    },
    "processmap.empty": {"sv": "Inga övergångar att visa.", "en": "No transitions to show."},
    # --- charts (kit.present.charts) ----------------------------------------------------------------
    "chart.month_names": {
        "sv": "jan feb mar apr maj jun jul aug sep okt nov dec",
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
    "chart.trend_title": {
        "sv": "Utveckling per månad (beslutsmånad)",
        "en": "Monthly trend (month of decision)",
    },
    "chart.median": {"sv": "Median", "en": "Median"},
    "chart.median_days": {"sv": "Median, dagar", "en": "Median, days"},
    "chart.target_days": {"sv": "Mål {days} dagar", "en": "Target {days} days"},
    "chart.share_within": {"sv": "Inom tidsfrist", "en": "Within limit"},
    "chart.histogram_title": {
        "sv": "Fördelning av handläggningstid",
        "en": "Distribution of lead times",
    },
    "chart.limit_line": {"sv": "Tidsfrist {weeks} veckor", "en": "Time limit {weeks} weeks"},
    "chart.lead_time_days": {
        "sv": "Dagar från ansökan till beslut",
        "en": "Days from application to decision",
    },
    "chart.n_cases": {"sv": "Antal ärenden", "en": "Number of cases"},
    "chart.wip_title": {"sv": "Pågående ärenden", "en": "Work in progress"},
    "chart.open_cases": {"sv": "Öppna ärenden", "en": "Open cases"},
}
