"""Labels of the lead-times lab (kit.present.views.leadtimes)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # --- lab lead-times (kit.present.views.leadtimes) ---------------------------------------------------
    "leadtimes.title": {
        "sv": "Handläggningstid – {municipality}",
        "en": "Lead times – {municipality}",
    },
    "leadtimes.selection": {
        "sv": "{n} ärenden, inkomna {start} – {end}",
        "en": "{n} cases, received {start} – {end}",
    },
    "leadtimes.source_sample": {
        "sv": "syntetiska exempeldata i {path} (testlab synth), kalibrerade mot publicerad statistik",
        "en": "synthetic sample data in {path} (testlab synth), calibrated to published statistics",
    },
    "leadtimes.source_own": {
        "sv": "kommunens egen export (ärendehanteringssystem)",
        "en": "the municipality's own export (case management system)",
    },
    "leadtimes.period_from": {"sv": "Från", "en": "From"},
    "leadtimes.period_to": {"sv": "Till", "en": "To"},
    "leadtimes.kpi_within": {
        "sv": "Beslut inom tidsfristen",
        "en": "Decided within the time limit",
    },
    "leadtimes.kpi_median": {"sv": "Mediantid till beslut", "en": "Median time to decision"},
    "leadtimes.kpi_goal": {
        "sv": "Mediantid jämfört med {year} (mål −33 %)",
        "en": "Median time compared with {year} (goal −33 %)",
    },
    "leadtimes.kpi_goal_compare": {
        "sv": "Median {year}: {baseline} dagar → nu {median} dagar; mål {goal} dagar",
        "en": "Median {year}: {baseline} days → now {median} days; goal {goal} days",
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
    "leadtimes.meaning.too_few": {
        "sv": "Bara {n} beslutade ärenden i urvalet: för få för att säga något säkert om andelen i tid eller mediantiden. Välj en längre period eller fler ärendetyper.",
        "en": "Only {n} decided cases in the selection: too few to say anything reliable about the share in time or the median time. Choose a longer period or more case types.",
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
        "sv": "Förseningarna kostade {fee} i avgiftsreduktion.",
        "en": "Delays cost {fee} in fee reductions.",
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
