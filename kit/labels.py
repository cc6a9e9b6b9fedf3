"""Every text a dashboard or report shows, in Swedish (default) and English.

One place for all labels, so a translation or a change of wording is one edit. Keys are
dotted ``area.name``; values map a language code to the text. ``{name}`` placeholders are
filled by :func:`t`. Add new labels in the section of their area.
"""

from __future__ import annotations

LANGUAGES = ("sv", "en")
DEFAULT_LANG = "sv"

LABELS: dict[str, dict[str, str]] = {
    # --- plan check (kit.plancheck, kit.views.plancheck) ---------------------------------------
    "plancheck.title": {
        "sv": "Planenlighet – förslag prövade mot digital detaljplan",
        "en": "Plan compliance – proposals checked against a digital detailed plan",
    },
    "plancheck.dataset": {"sv": "Plan och förslag", "en": "Plan and proposals"},
    "plancheck.bundled": {"sv": "Exempel: {name}", "en": "Sample: {name}"},
    "plancheck.upload": {"sv": "Ladda upp förslag (GeoJSON)", "en": "Upload proposals (GeoJSON)"},
    "plancheck.filter": {"sv": "Förslag", "en": "Proposal"},
    "plancheck.tolerance": {"sv": "Tolerans (m)", "en": "Tolerance (m)"},
    "plancheck.plan": {"sv": "Plan", "en": "Plan"},
    "plancheck.attribution": {
        "sv": "Källa: Boverket, Planbestämmelsekatalogen (release 20251201, published 2025-12-01)",
        "en": "Källa: Boverket, Planbestämmelsekatalogen (release 20251201, published 2025-12-01)",
    },
    "plancheck.synthetic": {
        "sv": "Syntetisk exempelplan och syntetiska förslag – inga verkliga fastigheter.",
        "en": "Synthetic sample plan and proposals – no real properties.",
    },
    "plancheck.export_csv": {"sv": "Ladda ner resultat (CSV)", "en": "Download results (CSV)"},
    "plancheck.export_xlsx": {"sv": "Ladda ner resultat (Excel)", "en": "Download results (Excel)"},
    "plancheck.summary": {"sv": "Sammanställning per förslag", "en": "Summary per proposal"},
    "plancheck.details": {"sv": "Alla kontroller", "en": "All checks"},
    "plancheck.error": {
        "sv": "Filen kunde inte prövas: {error}",
        "en": "The file could not be checked: {error}",
    },
    "plancheck.legend.use": {"sv": "Användning", "en": "Land use"},
    "plancheck.legend.prickmark": {
        "sv": "Prickmark – marken får inte förses med byggnad",
        "en": "Prickmark – no buildings",
    },
    "plancheck.legend.plan": {"sv": "Planområde", "en": "Plan area"},
    "plancheck.legend.other": {"sv": "Egenskapsbestämmelse", "en": "Property regulation"},
    "plancheck.kpi.n_proposals": {"sv": "Prövade förslag", "en": "Proposals checked"},
    "plancheck.kpi.share_pass": {"sv": "Andel godkända", "en": "Share passed"},
    "plancheck.kpi.share_fail": {"sv": "Andel med avvikelse", "en": "Share failed"},
    "plancheck.kpi.share_manual": {
        "sv": "Andel till manuell prövning",
        "en": "Share for manual review",
    },
    "plancheck.kpi.share_auto_decided": {
        "sv": "Andel avgjorda automatiskt",
        "en": "Share decided automatically",
    },
    "plancheck.col.proposal": {"sv": "Förslag", "en": "Proposal"},
    "plancheck.col.verdict": {"sv": "Utfall", "en": "Verdict"},
    "plancheck.col.building": {"sv": "Byggnad", "en": "Building"},
    "plancheck.col.rule": {"sv": "Kontroll", "en": "Check"},
    "plancheck.col.status": {"sv": "Resultat", "en": "Result"},
    "plancheck.col.measured": {"sv": "Uppmätt", "en": "Measured"},
    "plancheck.col.allowed": {"sv": "Tillåtet", "en": "Allowed"},
    "plancheck.col.unit": {"sv": "Enhet", "en": "Unit"},
    "plancheck.col.message": {"sv": "Förklaring", "en": "Explanation"},
    "plancheck.col.n_checks": {"sv": "Kontroller", "en": "Checks"},
    "plancheck.status.pass": {"sv": "Godkänd", "en": "Pass"},
    "plancheck.status.fail": {"sv": "Avvikelse", "en": "Fail"},
    "plancheck.status.manual": {"sv": "Manuell prövning", "en": "Manual review"},
    "plancheck.rule.land_use": {"sv": "Användning", "en": "Land use"},
    "plancheck.rule.prickmark": {"sv": "Prickmark", "en": "No-build area (prickmark)"},
    "plancheck.rule.max_building_area_pct": {
        "sv": "Största byggnadsarea (%)",
        "en": "Maximum building area (%)",
    },
    "plancheck.rule.max_building_area_m2": {
        "sv": "Största byggnadsarea (m²)",
        "en": "Maximum building area (m²)",
    },
    "plancheck.rule.max_ridge_height": {"sv": "Högsta nockhöjd", "en": "Maximum ridge height"},
    "plancheck.rule.max_total_height": {"sv": "Högsta totalhöjd", "en": "Maximum total height"},
    "plancheck.rule.min_ridge_height": {"sv": "Lägsta nockhöjd", "en": "Minimum ridge height"},
    "plancheck.rule.min_total_height": {"sv": "Lägsta totalhöjd", "en": "Minimum total height"},
    "plancheck.rule.min_plot_size": {"sv": "Minsta fastighetsstorlek", "en": "Minimum plot size"},
    "plancheck.rule.max_plot_size": {"sv": "Största fastighetsstorlek", "en": "Maximum plot size"},
    "plancheck.rule.outside_plan": {"sv": "Utanför planområdet", "en": "Outside the plan area"},
    "plancheck.rule.unknown_regulation": {
        "sv": "Ej tolkad bestämmelse",
        "en": "Regulation not interpreted",
    },
    "plancheck.rule.no_checks": {"sv": "Inget att pröva", "en": "Nothing to check"},
    "plancheck.what.nockhojd": {"sv": "nockhöjd", "en": "ridge height"},
    "plancheck.what.totalhojd": {"sv": "totalhöjd", "en": "total height"},
    "plancheck.what.building_area": {
        "sv": "byggnadsarea inom egenskapsområdet",
        "en": "building area within the regulated area",
    },
    "plancheck.what.building_area_pct": {
        "sv": "byggnadsarea i procent av fastighetsarean inom egenskapsområdet",
        "en": "building area as a share of the property area within the regulated area",
    },
    "plancheck.what.plot_area": {"sv": "fastighetsarea", "en": "property area"},
    "plancheck.quote": {"sv": "”{text}”", "en": "“{text}”"},
    "plancheck.subject.building": {"sv": "Byggnad {id}", "en": "Building {id}"},
    "plancheck.subject.proposal": {"sv": "Förslag {id}", "en": "Proposal {id}"},
    "plancheck.msg.limit_ok": {
        "sv": "{subject}: {what} {measured} {unit} uppfyller {quote}.",
        "en": "{subject}: {what} {measured} {unit} complies with {quote}.",
    },
    "plancheck.msg.limit_max_fail": {
        "sv": "{subject}: {what} {measured} {unit} överskrider {allowed} {unit} enligt {quote}.",
        "en": "{subject}: {what} {measured} {unit} exceeds {allowed} {unit} under {quote}.",
    },
    "plancheck.msg.limit_min_fail": {
        "sv": "{subject}: {what} {measured} {unit} understiger {allowed} {unit} enligt {quote}.",
        "en": "{subject}: {what} {measured} {unit} is below {allowed} {unit} under {quote}.",
    },
    "plancheck.msg.value_missing": {
        "sv": "{subject}: förslaget anger ingen {what}, men planen reglerar den: {quote}. Pröva manuellt.",
        "en": "{subject}: the proposal gives no {what}, but the plan regulates it: {quote}. Review manually.",
    },
    "plancheck.msg.use_ok": {
        "sv": "{subject}: användning {measured} medges enligt {quote}.",
        "en": "{subject}: use {measured} is allowed by {quote}.",
    },
    "plancheck.msg.use_fail": {
        "sv": "{subject}: användning {measured} medges inte; planen anger {quote} (tillåtet: {allowed}).",
        "en": "{subject}: use {measured} is not allowed; the plan says {quote} (allowed: {allowed}).",
    },
    "plancheck.msg.use_missing": {
        "sv": "{subject}: förslaget anger ingen användning; planen anger {quote}. Pröva manuellt.",
        "en": "{subject}: the proposal gives no use; the plan says {quote}. Review manually.",
    },
    "plancheck.msg.use_unknown": {
        "sv": "{subject}: användning {measured} kan inte prövas automatiskt mot {quote}. Pröva manuellt.",
        "en": "{subject}: use {measured} cannot be checked automatically against {quote}. Review manually.",
    },
    "plancheck.msg.use_none": {
        "sv": "{subject}: ingen användningsbestämmelse hittades där byggnaden står. Pröva manuellt.",
        "en": "{subject}: no land-use regulation found where the building stands. Review manually.",
    },
    "plancheck.msg.prickmark_ok": {
        "sv": "{subject}: står inte på mark där {quote}.",
        "en": "{subject}: does not stand on land where {quote}.",
    },
    "plancheck.msg.prickmark_edge": {
        "sv": "{subject}: överlappar prickmarken med {measured} m², men inte mer än toleransen {tolerance} m – {quote}.",
        "en": "{subject}: overlaps the prickmark by {measured} m², but not beyond the {tolerance} m tolerance – {quote}.",
    },
    "plancheck.msg.prickmark_fail": {
        "sv": "{subject}: {measured} m² står på mark där {quote} (mer än toleransen {tolerance} m).",
        "en": "{subject}: {measured} m² stands on land where {quote} (beyond the {tolerance} m tolerance).",
    },
    "plancheck.msg.outside_plan": {
        "sv": "{subject}: {measured} m² ligger utanför planområdet och prövas inte mot planen. Pröva manuellt.",
        "en": "{subject}: {measured} m² lies outside the plan area and is not checked against the plan. Review manually.",
    },
    "plancheck.msg.unknown": {
        "sv": "Bestämmelsen {quote} gäller på fastigheten men tolkas inte automatiskt. Pröva manuellt.",
        "en": "The regulation {quote} applies to the property but is not interpreted automatically. Review manually.",
    },
    "plancheck.msg.no_checks": {
        "sv": "Inga bestämmelser kunde prövas för förslaget. Pröva manuellt.",
        "en": "No regulation could be checked for this proposal. Review manually.",
    },
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
    "common.no_data": {
        "sv": "Inga ärenden matchar urvalet.",
        "en": "No cases match the selection.",
    },
    # --- case types (kit.schemas canonical codes) ------------------------------------
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
    # --- process map (kit.processmap) and testlab leadtime -----------------------------------
    "processmap.start": {"sv": "Start", "en": "Start"},
    "processmap.end": {"sv": "Slut", "en": "End"},
    "processmap.edge": {"sv": "{count} · {days} d", "en": "{count} · {days} d"},
    "processmap.events": {"sv": "{count} händelser", "en": "{count} events"},
    "processmap.title": {
        "sv": "Processkarta: pilarnas bredd visar antal, etiketten antal · mediantid i dagar",
        "en": "Process map: arrow width shows the count, the label count · median wait in days",
    },
    "processmap.empty": {"sv": "Inga övergångar att visa.", "en": "No transitions to show."},
    # --- charts (kit.charts) ----------------------------------------------------------------
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
    # --- lab lead-times (kit.views.leadtimes) ---------------------------------------------------
    "leadtimes.title": {
        "sv": "Handläggningstid – {municipality}",
        "en": "Lead times – {municipality}",
    },
    "leadtimes.selection": {
        "sv": "{n} ärenden, inkomna {start} – {end}",
        "en": "{n} cases, received {start} – {end}",
    },
    "leadtimes.period_from": {"sv": "Från", "en": "From"},
    "leadtimes.period_to": {"sv": "Till", "en": "To"},
    "leadtimes.kpi_within": {
        "sv": "Beslut inom tidsfristen",
        "en": "Decided within the time limit",
    },
    "leadtimes.kpi_median": {"sv": "Mediantid till beslut", "en": "Median time to decision"},
    "leadtimes.kpi_goal": {
        "sv": "Mål −33 % (0,67 × median {year})",
        "en": "Goal −33 % (0.67 × median {year})",
    },
    "leadtimes.kpi_fee": {"sv": "Avgiftsreduktion", "en": "Fee reduction"},
    "leadtimes.kpi_complete": {"sv": "Kompletta vid ankomst", "en": "Complete on arrival"},
    "leadtimes.kpi_n": {"sv": "Ärenden i urvalet", "en": "Cases selected"},
    "leadtimes.section_trend": {"sv": "Trend", "en": "Trend"},
    "leadtimes.section_distribution": {"sv": "Fördelning", "en": "Distribution"},
    "leadtimes.section_process": {"sv": "Processkarta", "en": "Process map"},
    "leadtimes.section_bottlenecks": {"sv": "Flaskhalsar", "en": "Bottlenecks"},
    "leadtimes.section_late": {
        "sv": "Ärenden över tidsfristen (de 20 mest försenade)",
        "en": "Cases past the time limit (the 20 most overdue)",
    },
    "leadtimes.section_map": {"sv": "Karta", "en": "Map"},
    "leadtimes.section_meaning": {"sv": "Vad betyder detta?", "en": "What does this mean?"},
    "leadtimes.section_try": {"sv": "Vad kan vi pröva?", "en": "What could we try?"},
    "leadtimes.no_late": {
        "sv": "Inga beslutade ärenden över tidsfristen.",
        "en": "No decided case past the time limit.",
    },
    "leadtimes.map_note": {
        "sv": "{n} ärenden med koordinater, färgade efter handläggningstid. Utan nätverk syns punkterna utan bakgrundskarta.",
        "en": "{n} cases with coordinates, coloured by lead time. Without network the points show without a basemap.",
    },
    "leadtimes.col.case": {"sv": "Ärende (pseudonym)", "en": "Case (pseudonym)"},
    "leadtimes.col.case_type": {"sv": "Ärendetyp", "en": "Case type"},
    "leadtimes.col.received": {"sv": "Inkom", "en": "Received"},
    "leadtimes.col.deadline": {"sv": "Tidsfrist", "en": "Deadline"},
    "leadtimes.col.decided": {"sv": "Beslut", "en": "Decided"},
    "leadtimes.col.days_late": {"sv": "Dagar sent", "en": "Days late"},
    "leadtimes.col.fee_reduction": {"sv": "Avgiftsreduktion (kr)", "en": "Fee reduction (SEK)"},
    "leadtimes.col.step": {"sv": "Steg", "en": "Step"},
    "leadtimes.col.from": {"sv": "Från", "en": "From"},
    "leadtimes.col.to": {"sv": "Till", "en": "To"},
    "leadtimes.col.n": {"sv": "Antal", "en": "Count"},
    "leadtimes.col.median_days": {"sv": "Median (dagar)", "en": "Median (days)"},
    "leadtimes.col.mean_days": {"sv": "Medel (dagar)", "en": "Mean (days)"},
    "leadtimes.col.p90_days": {"sv": "90:e percentil (dagar)", "en": "90th percentile (days)"},
    "leadtimes.col.total_days": {"sv": "Summa dagar", "en": "Total days"},
    "leadtimes.col.share_of_time": {"sv": "Andel av tiden", "en": "Share of time"},
    "leadtimes.meaning.within": {
        "sv": "{share} av de beslutade ärendena fick beslut inom tidsfristen; målet är 95 %. {verdict}",
        "en": "{share} of the decided cases were decided within the time limit; the target is 95 %. {verdict}",
    },
    "leadtimes.meaning.within_ok": {"sv": "Målet nås.", "en": "The target is met."},
    "leadtimes.meaning.within_miss": {
        "sv": "Det fattas {gap} procentenheter, ungefär {n} ärenden till i tid.",
        "en": "It is {gap} percentage points short, about {n} more cases in time.",
    },
    "leadtimes.meaning.median": {
        "sv": "Hälften av ärendena fick beslut inom {median} dagar. Målet om 33 % kortare tid ({baseline_year}: {baseline} dagar) motsvarar {goal} dagar.",
        "en": "Half of the cases were decided within {median} days. The goal of 33 % shorter time ({baseline_year}: {baseline} days) means {goal} days.",
    },
    "leadtimes.meaning.fee": {
        "sv": "Förseningarna kostade {fee} kr i avgiftsreduktion.",
        "en": "Delays cost SEK {fee} in fee reductions.",
    },
    "leadtimes.meaning.complete": {
        "sv": "Bara {share} av ansökningarna var kompletta när de kom in.",
        "en": "Only {share} of the applications were complete on arrival.",
    },
    "leadtimes.meaning.bottleneck": {
        "sv": "Längst tid går mellan ”{src}” och ”{dst}” (median {days} dagar).",
        "en": "Most time passes between “{src}” and “{dst}” (median {days} days).",
    },
    "leadtimes.try.complete": {
        "sv": "Pröva en digital e-tjänst som kontrollerar att ansökan är komplett innan den skickas in (färre förelägganden om komplettering).",
        "en": "Try a digital e-service that checks an application is complete before it is sent (fewer completion orders).",
    },
    "leadtimes.try.late": {
        "sv": "Pröva en daglig lista över ärenden som närmar sig tidsfristen, så att de prioriteras innan avgiften sätts ned.",
        "en": "Try a daily list of cases approaching their time limit, so they are prioritised before the fee is reduced.",
    },
    "leadtimes.try.bottleneck": {
        "sv": "Titta närmare på steget ”{src}” → ”{dst}”: vem väntar på vem, och kan något göras parallellt?",
        "en": "Look closer at the step “{src}” → “{dst}”: who waits for whom, and can anything run in parallel?",
    },
    "leadtimes.try.keep": {
        "sv": "Målen nås: mät igen efter nästa förändring för att se att nivån håller.",
        "en": "The targets are met: measure again after the next change to see the level holds.",
    },
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
