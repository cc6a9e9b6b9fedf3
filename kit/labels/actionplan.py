"""Labels of the action-plan lab (kit.present.views.actionplan)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "actionplan.title": {
        "sv": "Handlingsplan – {municipality}",
        "en": "Action plan – {municipality}",
    },
    "actionplan.as_of": {
        "sv": "Läget {today}. Nästa uppföljning: {next}.",
        "en": "Status on {today}. Next review: {next}.",
    },
    "actionplan.none": {"sv": "ingen", "en": "none"},
    "actionplan.synthetic_plan": {
        "sv": "Syntetisk exempelplan – påhittade mål, åtgärder och ansvar.",
        "en": "Synthetic sample plan – invented goals, actions and owners.",
    },
    "actionplan.sources": {
        "sv": "Källor: körjournalen {path} ({n} körningar){sample}.",
        "en": "Sources: the results journal {path} ({n} runs){sample}.",
    },
    "actionplan.sources_none": {
        "sv": "Källor: ingen körjournal än ({path} saknas: kör `testlab run`){sample}.",
        "en": "Sources: no results journal yet ({path} is missing: run `testlab run`){sample}.",
    },
    "actionplan.sources_sample": {
        "sv": " och exempelhistorik (syntetisk: Handläggningstid körd kvartalsvis på exempeldata, ihåliga punkter)",
        "en": " and a sample history (synthetic: Lead times run each quarter on the sample data, hollow points)",
    },
    "actionplan.journal_error": {
        "sv": "Körjournalen kunde inte läsas: {error}",
        "en": "The results journal could not be read: {error}",
    },
    "actionplan.plan_error": {
        "sv": "Handlingsplanen kunde inte läsas: {error}",
        "en": "The action plan could not be read: {error}",
    },
    "actionplan.kpi_on_track": {"sv": "Mål på rätt spår", "en": "Goals on track"},
    "actionplan.kpi_on_track_help": {
        "sv": "Antal mål med status ”på rätt spår” enligt regeln nedan, av alla mål i planen.",
        "en": "Number of goals with status “on track” by the rule below, of all goals in the plan.",
    },
    "actionplan.kpi_at_risk": {"sv": "Mål i riskzonen", "en": "Goals at risk"},
    "actionplan.kpi_off_track": {"sv": "Mål ur kurs", "en": "Goals off track"},
    "actionplan.kpi_overdue": {"sv": "Försenade åtgärder", "en": "Overdue actions"},
    "actionplan.kpi_overdue_help": {
        "sv": "Åtgärder vars slutdatum har passerat och som varken är klara eller avbrutna.",
        "en": "Actions past their due date that are neither done nor cancelled.",
    },
    "actionplan.of_goals": {"sv": "av {n} mål", "en": "of {n} goals"},
    "actionplan.goals": {"sv": "mål", "en": "goals"},
    "actionplan.actions": {"sv": "åtgärder", "en": "actions"},
    "actionplan.section_rule": {"sv": "Så bedöms målen", "en": "How goals are judged"},
    "actionplan.rule": {
        "sv": "Framsteg = (senaste värde − baslinje) / (mål − baslinje), alltså hur stor del av vägen från baslinjen till målet som är gjord. Förväntat = hur stor del av tiden från planens beslut till målets slutdatum som hade gått när värdet mättes. På rätt spår: målet är nått, eller framsteget är minst förväntat − 10 procentenheter. Ur kurs: värdet är sämre än baslinjen, eller slutdatum har passerat utan att målet nåtts. I riskzonen: däremellan. Ingen körning: journalen saknar värde för nyckeltalet.",
        "en": "Progress = (latest value − baseline) / (target − baseline): how much of the way from baseline to target is done. Expected = the share of the time from the plan's adoption to the goal's due date that had passed when the value was measured. On track: the target is reached, or progress is at least expected − 10 percentage points. Off track: the value is worse than the baseline, or the due date has passed without reaching the target. At risk: in between. No run yet: the journal has no value for the KPI.",
    },
    "actionplan.status.on_track": {"sv": "På rätt spår", "en": "On track"},
    "actionplan.status.at_risk": {"sv": "I riskzonen", "en": "At risk"},
    "actionplan.status.off_track": {"sv": "Ur kurs", "en": "Off track"},
    "actionplan.status.no_data": {"sv": "Ingen körning än", "en": "No run yet"},
    "actionplan.reached": {"sv": "målet nått", "en": "target reached"},
    "actionplan.section_tree": {"sv": "Målträd", "en": "Goal tree"},
    "actionplan.success_factors": {
        "sv": "Kritiska framgångsfaktorer",
        "en": "Critical success factors",
    },
    "actionplan.goal_line": {
        "sv": "Mäts med {kpi} ({lab}): baslinje {baseline}, mål {target} senast {due}.",
        "en": "Measured by {kpi} ({lab}): baseline {baseline}, target {target} by {due}.",
    },
    "actionplan.latest": {
        "sv": "Senast {value} ({date}{sample}); framsteg {progress} av vägen, förväntat {expected}.",
        "en": "Latest {value} ({date}{sample}); progress {progress} of the way, expected {expected}.",
    },
    "actionplan.sample_tag": {"sv": ", exempel", "en": ", sample"},
    "actionplan.action_line": {"sv": "{owner}, senast {due}", "en": "{owner}, due {due}"},
    "actionplan.overdue_tag": {"sv": "försenad", "en": "overdue"},
    "actionplan.action.planned": {"sv": "Planerad", "en": "Planned"},
    "actionplan.action.in_progress": {"sv": "Pågår", "en": "In progress"},
    "actionplan.action.done": {"sv": "Klar", "en": "Done"},
    "actionplan.action.cancelled": {"sv": "Avbruten", "en": "Cancelled"},
    "actionplan.section_trend": {"sv": "Nyckeltalen över tid", "en": "The KPIs over time"},
    "actionplan.trend_note": {
        "sv": "En punkt per dag med körningar, dagens sista (ihålig = syntetisk exempelhistorik). Streckat: baslinje (grå) och mål (grönt); lodrät linje: målets slutdatum.",
        "en": "One point per day with runs, the day's last (hollow = synthetic sample history). Dashed: baseline (grey) and target (green); vertical line: the goal's due date.",
    },
    "actionplan.chart.baseline": {"sv": "Baslinje", "en": "Baseline"},
    "actionplan.chart.target": {"sv": "Mål", "en": "Target"},
    "actionplan.chart.due": {"sv": "Slutdatum", "en": "Due"},
    "actionplan.chart.no_run": {"sv": "Ingen körning än", "en": "No run yet"},
    "actionplan.section_overdue": {"sv": "Försenade åtgärder", "en": "Overdue actions"},
    "actionplan.no_overdue": {"sv": "Inga försenade åtgärder.", "en": "No overdue actions."},
    "actionplan.col.goal": {"sv": "Mål", "en": "Goal"},
    "actionplan.col.action": {"sv": "Åtgärd", "en": "Action"},
    "actionplan.col.owner": {"sv": "Ansvarig", "en": "Owner"},
    "actionplan.col.due": {"sv": "Slutdatum", "en": "Due"},
    "actionplan.col.days_late": {"sv": "Dagar sen", "en": "Days late"},
    "actionplan.col.status": {"sv": "Status", "en": "Status"},
    "actionplan.col.kpi": {"sv": "Nyckeltal", "en": "KPI"},
    "actionplan.col.then": {"sv": "Vid uppföljningen", "en": "At the review"},
    "actionplan.col.now": {"sv": "Nu", "en": "Now"},
    "actionplan.col.change": {"sv": "Förändring", "en": "Change"},
    "actionplan.section_changes": {
        "sv": "Vad har hänt sedan senaste uppföljningen ({date})?",
        "en": "What changed since the last review ({date})?",
    },
    "actionplan.section_changes_none": {
        "sv": "Vad har hänt sedan planen beslutades ({date})?",
        "en": "What changed since the plan was adopted ({date})?",
    },
    "actionplan.changes_runs": {
        "sv": "{n} nya körningar i journalen sedan dess.",
        "en": "{n} new runs in the journal since then.",
    },
    "actionplan.changes_none": {
        "sv": "Inga nya värden för planens nyckeltal sedan dess.",
        "en": "No new values for the plan's KPIs since then.",
    },
    "actionplan.changes_due": {
        "sv": "Åtgärder med slutdatum sedan dess: {done} klara, {open} inte klara.",
        "en": "Actions due since then: {done} done, {open} not done.",
    },
    "actionplan.section_compare": {
        "sv": "Alingsås, Linköping och Umeå sida vid sida",
        "en": "Alingsås, Linköping and Umeå side by side",
    },
    "actionplan.compare_note": {
        "sv": "Senaste lyckade körning per kommun ur journalen, med körningens datum. Kartan färgar kommunen efter dess mål: grönt när alla mål med värde är på rätt spår, gult när något är i riskzonen, rött när något är ur kurs.",
        "en": "The latest successful run per municipality from the journal, with the date of the run. The map colours each municipality by its goals: green when every goal with a value is on track, amber when one is at risk, red when one is off track.",
    },
    "actionplan.no_run": {"sv": "ingen körning än", "en": "no run yet"},
    "actionplan.map_popup": {
        "sv": "{name}: {on} av {n} mål på rätt spår",
        "en": "{name}: {on} of {n} goals on track",
    },
    "actionplan.section_report": {"sv": "Rapport till styrgruppen", "en": "Steering-group report"},
    "actionplan.report_link": {
        "sv": "Ladda ner styrgruppsrapporten (en fristående HTML-fil utan kod, öppnas i webbläsaren och kan skrivas ut som PDF)",
        "en": "Download the steering-group report (one standalone HTML file without code; opens in a browser and prints to PDF)",
    },
    "actionplan.report_title": {
        "sv": "Styrgruppsrapport – {plan}",
        "en": "Steering-group report – {plan}",
    },
    # units as lab.yml writes them (Swedish)
    "actionplan.unit.dagar": {"sv": "dagar", "en": "days"},
    "actionplan.unit.pp": {"sv": "procentenheter", "en": "percentage points"},
    "actionplan.unit.skalsteg": {"sv": "skalsteg", "en": "scale points"},
    "actionplan.unit.ärenden": {"sv": "ärenden", "en": "cases"},
    "actionplan.source": {
        "sv": "handlingsplanen datasets/{municipality}/handlingsplan.yml och resultatjournalen",
        "en": "the action plan datasets/{municipality}/handlingsplan.yml and the results journal",
    },
    "actionplan.quoted": {
        "sv": "Mål, åtgärder, ansvariga och framgångsfaktorer citeras ur kommunens handlingsplan.",
        "en": "Goals, actions, owners and success factors are quoted from the municipality's action plan, which is in Swedish.",
    },
}
