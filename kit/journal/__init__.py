"""Results journal and action plans (journal): what every run measured, and the goals it serves.

What lives here: the append-only results journal, one SQLite file per output folder that every
``testlab run`` adds its runs and KPIs to (:mod:`.store`), and municipal action plans
(handlingsplaner) as data — goals measured by a lab's KPI, critical success factors, actions,
review dates — validated and tracked against the journal (:mod:`.actionplan`).

May import: :mod:`kit.data`, :mod:`kit.config`, :mod:`kit.errors`, :mod:`kit.labels` and the
standard library. Not :mod:`kit.labs` (above it: the caller passes the known labs and KPIs in),
nor its siblings :mod:`kit.process`, :mod:`kit.plans`, :mod:`kit.survey`.
"""
