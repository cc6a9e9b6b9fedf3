"""Labels of the lab "Framtidens process" (kit.present.views.future_process, its charts)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "future.title": {
        "sv": "Framtidens process – simulerade prototyper mot målet 33 % kortare tid",
        "en": "Future process – simulated prototypes against the goal of 33 % shorter time",
    },
    "future.municipality": {"sv": "Kommun", "en": "Municipality"},
    "future.synthetic": {
        "sv": "Syntetiska exempeldata – inga verkliga ärenden.",
        "en": "Synthetic sample data – no real cases.",
    },
    "future.intro": {
        "sv": "Modellen är upptäckt ur kommunens händelselogg: vilka steg ärendena går igenom, hur ofta de går tillbaka, hur lång tid varje steg tar, när ärendena kommer in och hur många handläggare som delar arbetet. Den prövas först på ärenden den inte har sett; sedan simuleras varje prototyp {reps} gånger.",
        "en": "The model is discovered from the municipality's event log: the steps cases go through, how often they loop back, how long each step takes, when cases arrive and how many case officers share the work. It is first tested on cases it has not seen; then each prototype is simulated {reps} times.",
    },
    "future.validation": {"sv": "Kan vi lita på modellen?", "en": "Can we trust the model?"},
    "future.validation_text": {
        "sv": "Modellen upptäcktes ur de första {train} ärendena (70 %) och simulerade perioden från {split}. Jämfört med de {test} verkliga ärendena där: mediantiden till beslut avviker {med}, 90:e percentilen {p90}, och fördelningarna skiljer sig i genomsnitt {w} dagar (Wassersteinavstånd). Andel inom tidsfristen: verklig {obs_share}, simulerad {sim_share}.",
        "en": "The model was discovered from the first {train} cases (70 %) and simulated the period from {split}. Compared with the {test} real cases there: the median time to decision differs by {med}, the 90th percentile by {p90}, and the distributions differ by {w} days on average (Wasserstein distance). Share within the time limit: real {obs_share}, simulated {sim_share}.",
    },
    "future.trusted": {
        "sv": "Bedömning: modellen återger verkligheten inom 10 % – prototypernas resultat går att använda som underlag.",
        "en": "Verdict: the model reproduces reality within 10 % – the prototypes' results can be used as evidence.",
    },
    "future.untrusted": {
        "sv": "Bedömning: modellen avviker mer än 10 % från verkligheten. Läs prototypernas resultat som riktning, inte som löfte.",
        "en": "Verdict: the model differs by more than 10 % from reality. Read the prototypes' results as a direction, not a promise.",
    },
    "future.scenarios": {"sv": "Prototyperna", "en": "The prototypes"},
    "future.controls_note": {
        "sv": "Ändra prototypernas antaganden med reglagen ovan; resultaten räknas om.",
        "en": "Change the prototypes' assumptions with the controls above; the results are recomputed.",
    },
    "future.baseline": {"sv": "Nuläge (simulerat)", "en": "Today (simulated)"},
    "future.combined": {"sv": "alla prototyper tillsammans", "en": "all prototypes together"},
    "future.verdict": {
        "sv": "Med {name} kortas mediantiden till beslut med {red}{ci}; {goal}",
        "en": "With {name} the median time to decision is {red} shorter{ci}; {goal}",
    },
    "future.verdict_longer": {
        "sv": "Med {name} förlängs mediantiden till beslut med {red}{ci}; {goal}",
        "en": "With {name} the median time to decision is {red} longer{ci}; {goal}",
    },
    "future.ci": {"sv": " (95 % KI {lo}–{hi})", "en": " (95 % CI {lo}–{hi})"},
    "future.goal.reached": {"sv": "målet 33 % nås.", "en": "the 33 % goal is reached."},
    "future.goal.possible": {
        "sv": "målet 33 % kan nås men är inte säkert.",
        "en": "the 33 % goal may be reached but is not certain.",
    },
    "future.goal.not_reached": {
        "sv": "målet 33 % nås inte.",
        "en": "the 33 % goal is not reached.",
    },
    "future.table.scenario": {"sv": "Prototyp", "en": "Prototype"},
    "future.table.median": {"sv": "Mediantid (dagar)", "en": "Median (days)"},
    "future.table.p90": {"sv": "90:e percentil (dagar)", "en": "90th percentile (days)"},
    "future.table.within": {"sv": "Inom tidsfristen", "en": "Within the time limit"},
    "future.table.fee": {"sv": "Avgiftsreduktion per år", "en": "Fee reduction per year"},
    "future.table.reduction": {"sv": "Kortare mediantid", "en": "Shorter median"},
    "future.kpi.baseline_median": {
        "sv": "Mediantid till beslut i dag",
        "en": "Median time to decision today",
    },
    "future.kpi.baseline_median.help": {
        "sv": "Simulerat nuläge: median av dagar från inkommen ansökan till beslut (startbesked för anmälan), medel över replikeringarna av det senaste året.",
        "en": "Simulated baseline: median days from application received to decision (start clearance for anmälan), mean over the replications of the latest year.",
    },
    "future.kpi.best_reduction": {"sv": "Bästa prototypen", "en": "Best prototype"},
    "future.kpi.best_reduction.help": {
        "sv": "Hur mycket kortare mediantiden till beslut blir med den bästa enskilda prototypen (1 − scenariots median / nulägets median, parvis per replikering). Mål: 33 %.",
        "en": "How much shorter the median time to decision becomes with the best single prototype (1 − scenario median / baseline median, paired per replication). Goal: 33 %.",
    },
    "future.kpi.validation_error": {"sv": "Modellens fel (median)", "en": "Model error (median)"},
    "future.kpi.validation_error.help": {
        "sv": "Relativt fel i mediantiden när modellen, upptäckt ur de första 70 % av ärendena, simulerar de senare: |simulerad − verklig| / verklig. Mål: högst 10 %.",
        "en": "Relative error of the median when the model, discovered from the first 70 % of the cases, simulates the later ones: |simulated − real| / real. Target: at most 10 %.",
    },
    "future.kpi.within": {"sv": "Inom tidsfristen i dag", "en": "Within the time limit today"},
    "future.kpi.within.help": {
        "sv": "Simulerat nuläge: andel avgjorda ärenden med beslut senast på tidsfristens sista dag (PBL 9 kap. 27 §, förlängning och föreläggande inräknade).",
        "en": "Simulated baseline: share of decided cases decided by the last day of the time limit (PBL 9:27, extensions and completion orders counted).",
    },
    "future.days": {"sv": "dagar", "en": "days"},
    "future.chart.validation": {
        "sv": "Tid till beslut: verkliga senare ärenden mot simulerade",
        "en": "Time to decision: real later cases against simulated",
    },
    "future.chart.observed": {"sv": "Verkliga (senare 30 %)", "en": "Real (later 30 %)"},
    "future.chart.simulated": {"sv": "Simulerade", "en": "Simulated"},
    "future.chart.share": {"sv": "Andel ärenden", "en": "Share of cases"},
    "future.chart.scenarios": {
        "sv": "Mediantid till beslut med 95 % konfidensintervall",
        "en": "Median time to decision with 95 % confidence intervals",
    },
    "future.chart.goal": {"sv": "Mål: 33 % kortare", "en": "Goal: 33 % shorter"},
    "future.error": {
        "sv": "Simuleringen kunde inte göras: {error}",
        "en": "The simulation could not be run: {error}",
    },
    "future.model": {
        "sv": "Modellen: {acts} aktiviteter, {trans} tidsatta övergångar, {cap} handläggare ({source}), {rate} ärenden per dag.",
        "en": "The model: {acts} activities, {trans} timed transitions, {cap} case officers ({source}), {rate} cases per day.",
    },
    "future.source.resource": {"sv": "ur resurskolumnen", "en": "from the resource column"},
    "future.source.throughput": {"sv": "skattat ur genomflödet", "en": "estimated from throughput"},
    "future.source_sample": {
        "sv": "syntetiska exempeldata, {path} (modellen upptäckt ur händelseloggen)",
        "en": "synthetic sample data, {path} (model discovered from the event log)",
    },
}
