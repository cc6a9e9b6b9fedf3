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
    # KPI card explanations (hover and info mark)
    "leadtimes.help.within": {
        "sv": "Andel av de beslutade ärendena där beslutet kom senast på tidsfristens sista dag. Tidsfristen är 10 veckor för lov och förhandsbesked, 4 veckor för anmälan (PBL 9 kap. 27 §), plus en eventuell förlängning. Klockan startar när ansökan kommer in – eller, om kommunen begär komplettering inom 3 veckor, när kompletteringen är klar. Mål: minst 95 %.",
        "en": "Share of the decided cases whose decision came on or before the last day of the time limit. The limit is 10 weeks for permits and outline permission, 4 weeks for notifications (PBL 9:27), plus any extension. The clock starts when the application arrives – or, if the board orders a completion within 3 weeks, when the completion is done. Target: at least 95 %.",
    },
    "leadtimes.help.median": {
        "sv": "Mediantiden i kalenderdagar från att ansökan kom in till beslut, för de beslutade ärendena i urvalet: hälften tog kortare tid, hälften längre. Räknas från inkomstdagen, inte från när klockan för tidsfristen startar.",
        "en": "The median, in calendar days, from the day the application arrived to the decision, over the decided cases selected: half took less time, half took more. Counted from arrival, not from when the time-limit clock starts.",
    },
    "leadtimes.help.goal": {
        "sv": "Smart Built Environments mål om 33 % kortare tid, läst som: mediantiden ska vara högst 0,67 × mediantiden för det första kalenderåret i data (samma ärendetyp). Kortet visar medianens förändring mot det året; det är grönt vid −33 % eller bättre.",
        "en": "Smart Built Environment's goal of 33 % shorter time, read as: the median time must be at most 0.67 × the median of the first calendar year in the data (same case type). The card shows the change of the median against that year; it is green at −33 % or better.",
    },
    "leadtimes.help.fee": {
        "sv": "Summan av avgiftsreduktionerna (PBL 12 kap. 8 a §): avgiften sätts ned med en femtedel för varje påbörjad vecka efter tidsfristen, högst hela avgiften. Gäller ärenden som kom in från 2019-01-01.",
        "en": "The sum of the fee reductions (PBL 12:8 a): the fee is reduced by one fifth for each started week past the time limit, at most the whole fee. Applies to cases received from 2019-01-01.",
    },
    "leadtimes.help.complete": {
        "sv": "Andel av ärendena där ansökan var komplett när den kom in, alltså utan föreläggande om komplettering. Kompletta ansökningar ger kortare tid till beslut.",
        "en": "Share of the cases whose application was complete on arrival, that is without a completion order. Complete applications mean a shorter time to decision.",
    },
    "leadtimes.help.n": {
        "sv": "Antal ärenden som kom in under den valda perioden och har den valda ärendetypen, beslutade eller ej. Med få ärenden kan andelarna svänga mycket.",
        "en": "Number of cases received in the chosen period with the chosen case type, decided or not. With few cases the shares can swing a lot.",
    },
}
