"""Labels of the lab "Innovationsförmåga" (innovation capability, before and after)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "innovation.title": {
        "sv": "Innovationsförmåga före och efter",
        "en": "Innovation capability before and after",
    },
    "innovation.overall": {"sv": "Sammantaget", "en": "Overall"},
    "innovation.all": {"sv": "Alla kommuner tillsammans", "en": "All municipalities together"},
    "innovation.dataset": {"sv": "Kommun", "en": "Municipality"},
    "innovation.synthetic": {
        "sv": "Syntetiska exempeldata – påhittade enkätsvar, inga verkliga personer.",
        "en": "Synthetic sample data – invented survey answers, no real people.",
    },
    "innovation.before": {"sv": "Före", "en": "Before"},
    "innovation.after": {"sv": "Efter", "en": "After"},
    "innovation.wave.before": {"sv": "före", "en": "before"},
    "innovation.wave.after": {"sv": "efter", "en": "after"},
    "innovation.respondents": {
        "sv": "{n_before} svar före och {n_after} svar efter ({n_pairs} personer svarade båda gångerna). Skala {scale}.",
        "en": "{n_before} answers before and {n_after} after ({n_pairs} people answered both times). Scale {scale}.",
    },
    # KPI cards
    "innovation.kpi.overall_after": {
        "sv": "Innovationsförmåga efter",
        "en": "Innovation capability after",
    },
    "innovation.kpi.overall_after.help": {
        "sv": "Medelvärdet av alla dimensioner efter testlabbet, på enkätens skala (omvända påståenden vända först).",
        "en": "Mean of all dimensions after the testlab, on the questionnaire's scale (reverse-coded items turned first).",
    },
    "innovation.kpi.overall_change": {"sv": "Förändring sammantaget", "en": "Overall change"},
    "innovation.kpi.overall_change.help": {
        "sv": "Efter minus före: skillnaden mellan medelvärdena för alla som svarade vid respektive mättillfälle, i skalsteg.",
        "en": "After minus before: the difference between the means of everyone who answered each time, in scale points.",
    },
    "innovation.kpi.dimensions_improved": {
        "sv": "Dimensioner som förbättrats",
        "en": "Dimensions improved",
    },
    "innovation.kpi.dimensions_improved.help": {
        "sv": "Antal dimensioner med en förbättring som håller efter Holm-korrigering (p < 0,05) och inte är försumbar (|r| ≥ 0,1).",
        "en": "Number of dimensions whose improvement holds after Holm correction (p < 0.05) and is not negligible (|r| ≥ 0.1).",
    },
    "innovation.points": {"sv": "skalsteg", "en": "points"},
    "innovation.of_n": {"sv": "av {n}", "en": "of {n}"},
    # sections
    "innovation.section.radar": {
        "sv": "Före och efter per dimension",
        "en": "Before and after by dimension",
    },
    "innovation.radar.note": {
        "sv": "Varje eker är en dimension; ju längre ut, desto högre förmåga. Grått = före, blått = efter.",
        "en": "Each spoke is a dimension; the further out, the higher the capability. Grey = before, blue = after.",
    },
    "innovation.section.changes": {"sv": "Förändring och slutsats", "en": "Change and verdict"},
    "innovation.changes.note": {
        "sv": "Wilcoxons test när samma personer svarat båda gångerna (minst hälften av de svarande), annars Mann–Whitneys test. Effektstorlek r (rangbiseriell korrelation, −1 till 1). p-värdena är Holm-korrigerade för att sex dimensioner prövas samtidigt.",
        "en": "Wilcoxon's test when the same people answered both times (at least half of the respondents), otherwise Mann–Whitney's test. Effect size r (rank-biserial correlation, −1 to 1). The p-values are Holm-corrected because six dimensions are tested at once.",
    },
    "innovation.section.roles": {"sv": "Per roll", "en": "By role"},
    "innovation.roles.note": {
        "sv": "Grupper med färre än 5 svar visas inte, så att ingen kan kännas igen på sina svar.",
        "en": "Groups with fewer than 5 answers are not shown, so nobody can be recognised from their answers.",
    },
    "innovation.roles.none": {
        "sv": "Svarsfilen har ingen kolumn role, så ingen uppdelning per roll.",
        "en": "The answer file has no role column, so no breakdown by role.",
    },
    "innovation.section.reliability": {
        "sv": "Går det att lita på skalan?",
        "en": "Can the scale be trusted?",
    },
    "innovation.reliability.intro": {
        "sv": "Cronbachs alfa visar om frågorna i en dimension hänger ihop och mäter samma sak. 0,7 eller mer brukar räknas som tillräckligt.",
        "en": "Cronbach's alpha shows whether the items of a dimension hang together and measure one thing. 0.7 or more is usually taken as sufficient.",
    },
    "innovation.reliability.ok": {
        "sv": "{dimension}: frågorna hänger ihop väl (alfa {before} före, {after} efter).",
        "en": "{dimension}: the items hang together well (alpha {before} before, {after} after).",
    },
    "innovation.reliability.low": {
        "sv": "{dimension}: alfa under 0,7 ({before} före, {after} efter). Frågorna mäter kanske inte samma sak – tolka förändringen med försiktighet och se över frågorna.",
        "en": "{dimension}: alpha below 0.7 ({before} before, {after} after). The items may not measure one thing – read the change with care and review the items.",
    },
    "innovation.reliability.unknown": {
        "sv": "{dimension}: för få fullständiga svar för att beräkna alfa.",
        "en": "{dimension}: too few complete answers to compute alpha.",
    },
    "innovation.free_text": {
        "sv": "{n} fritextsvar finns i underlaget. De visas inte här för att skydda de svarande; läs dem pseudonymiserade i utforskningsnotebooken.",
        "en": "The data hold {n} free-text answers. They are not shown here to protect the respondents; read them pseudonymised in the exploration notebook.",
    },
    "innovation.download": {
        "sv": "Ladda ner tabellerna (Excel)",
        "en": "Download the tables (Excel)",
    },
    "innovation.error": {
        "sv": "Enkätsvaren kunde inte läsas: {error}",
        "en": "The survey answers could not be read: {error}",
    },
    # table columns
    "innovation.col.dimension": {"sv": "Dimension", "en": "Dimension"},
    "innovation.col.municipality": {"sv": "Kommun", "en": "Municipality"},
    "innovation.col.wave": {"sv": "Mättillfälle", "en": "Wave"},
    "innovation.col.n": {"sv": "Antal svar", "en": "Answers"},
    "innovation.col.mean": {"sv": "Medelvärde", "en": "Mean"},
    "innovation.col.ci_low": {"sv": "95 % KI, nedre", "en": "95 % CI, lower"},
    "innovation.col.ci_high": {"sv": "95 % KI, övre", "en": "95 % CI, upper"},
    "innovation.col.alpha": {"sv": "Cronbachs alfa", "en": "Cronbach's alpha"},
    "innovation.col.alpha_warning": {"sv": "Alfa under 0,7", "en": "Alpha below 0.7"},
    "innovation.col.suppressed": {"sv": "Visas inte", "en": "Not shown"},
    "innovation.col.before": {"sv": "Före", "en": "Before"},
    "innovation.col.after": {"sv": "Efter", "en": "After"},
    "innovation.col.diff": {"sv": "Förändring", "en": "Change"},
    "innovation.col.n_before": {"sv": "Svar före", "en": "Answers before"},
    "innovation.col.n_after": {"sv": "Svar efter", "en": "Answers after"},
    "innovation.col.n_pairs": {"sv": "Par", "en": "Pairs"},
    "innovation.col.test": {"sv": "Test", "en": "Test"},
    "innovation.col.p_value": {"sv": "p-värde", "en": "p-value"},
    "innovation.col.p_holm": {"sv": "p (Holm)", "en": "p (Holm)"},
    "innovation.col.effect_size": {"sv": "Effektstorlek r", "en": "Effect size r"},
    "innovation.col.effect_label": {"sv": "Effekt", "en": "Effect"},
    "innovation.col.verdict": {"sv": "Slutsats", "en": "Verdict"},
    "innovation.col.role": {"sv": "Roll", "en": "Role"},
    "innovation.sheet.scores": {"sv": "Poäng", "en": "Scores"},
    "innovation.sheet.changes": {"sv": "Förändring", "en": "Changes"},
    "innovation.sheet.roles": {"sv": "Per roll", "en": "By role"},
    "innovation.sheet.items": {"sv": "Frågor", "en": "Items"},
    "innovation.sheet.answers": {"sv": "Svar", "en": "Answers"},
    "innovation.test.wilcoxon": {"sv": "Wilcoxon (parvis)", "en": "Wilcoxon (paired)"},
    "innovation.test.mann-whitney": {"sv": "Mann–Whitney", "en": "Mann–Whitney"},
    "innovation.suppressed.fewer_than_5": {
        "sv": "färre än 5 svar – visas inte",
        "en": "fewer than 5 answers – not shown",
    },
    # effect sizes and verdicts
    "innovation.effect.negligible": {"sv": "försumbar", "en": "negligible"},
    "innovation.effect.small": {"sv": "liten", "en": "small"},
    "innovation.effect.medium": {"sv": "måttlig", "en": "medium"},
    "innovation.effect.large": {"sv": "stor", "en": "large"},
    "innovation.verdict.improved": {
        "sv": "Förbättring ({size} effekt) – troligen inte slumpen",
        "en": "Improved ({size} effect) – unlikely to be chance",
    },
    "innovation.verdict.declined": {
        "sv": "Försämring ({size} effekt) – troligen inte slumpen",
        "en": "Declined ({size} effect) – unlikely to be chance",
    },
    "innovation.verdict.negligible": {
        "sv": "Säkerställd men försumbar förändring",
        "en": "Statistically clear but negligible change",
    },
    "innovation.verdict.no_clear_change": {
        "sv": "Ingen säker förändring – skillnaden kan vara slumpen",
        "en": "No clear change – the difference may be chance",
    },
    "innovation.verdict.too_few": {
        "sv": "För få svar för att bedöma (färre än 5 vid ett mättillfälle)",
        "en": "Too few answers to judge (fewer than 5 in a wave)",
    },
    "innovation.role.ledning": {"sv": "Ledning", "en": "Management"},
    "innovation.role.medarbetare": {"sv": "Medarbetare", "en": "Staff"},
    "innovation.role.innovationsteam": {"sv": "Innovationsteam", "en": "Innovation team"},
    # template
    "innovation.template.instructions": {
        "sv": "En rad per person och mättillfälle. wave: before eller after (eller svarsdatum ÅÅÅÅ-MM-DD). Svar: heltal på skalan {scale}. Fritext visas aldrig i klartext.",
        "en": "One row per person and wave. wave: before or after (or the answer date YYYY-MM-DD). Answers: whole numbers on the scale {scale}. Free text is never shown as written.",
    },
    "innovation.template.id": {"sv": "Kolumn", "en": "Column"},
    "innovation.template.text": {"sv": "Påstående", "en": "Statement"},
    "innovation.template.reverse": {"sv": "Omvänd", "en": "Reverse-coded"},
    "innovation.template.scale": {"sv": "Skala", "en": "Scale"},
    "innovation.template.free_text": {"sv": "Fritext", "en": "Free text"},
    "innovation.template.meta": {
        "sv": "Respondentens id i enkätverktyget (pseudonymiseras)|Kommun|before/after eller datum|Roll, t.ex. ledning, medarbetare, innovationsteam",
        "en": "The respondent's id in the survey tool (pseudonymised)|Municipality|before/after or a date|Role, e.g. ledning, medarbetare, innovationsteam",
    },
    "innovation.yes": {"sv": "ja", "en": "yes"},
    "innovation.source_sample": {
        "sv": "syntetiska enkätsvar, datasets/*/survey.csv",
        "en": "synthetic survey answers, datasets/*/survey.csv",
    },
    "innovation.source_own": {"sv": "egen svarsfil", "en": "own answer file"},
}
