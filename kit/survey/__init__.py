"""Surveys of innovation capability (innovationsförmåga), before and after (survey).

What lives here: the questionnaire as data — dimensions, items in Swedish and English, the
Likert scale, reverse-coded items — read and checked from YAML (:mod:`.questionnaire`); survey
answers as survey tools export them (CSV in the Swedish Excel dialects, XLSX), checked against
the questionnaire and pseudonymised, free text never shown (:mod:`.answers`); and the
statistics a sceptic asks for — scores with 95 % confidence intervals, Cronbach's alpha,
Wilcoxon or Mann–Whitney tests with rank-biserial effect sizes and Holm-corrected p-values,
suppression of groups smaller than five, a plain-language verdict (:mod:`.analysis`).

May import: :mod:`kit.data`, :mod:`kit.config`, :mod:`kit.errors`, :mod:`kit.labels`. Not the
sibling domains (:mod:`kit.process`, :mod:`kit.plans`) nor anything that presents or runs labs.
"""
