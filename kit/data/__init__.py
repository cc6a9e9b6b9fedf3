"""Reading exports into the canonical tables (data).

What lives here: the readers for CSV in the Swedish Excel dialects and XLSX (:mod:`.readers`),
the streaming XES reader (:mod:`.xes`), mapping files for case-management exports
(:mod:`.mapping`), the pandera schemas and activity vocabulary (:mod:`.schemas`), consistency
checks (:mod:`.checks`), pseudonymisation of personal data (:mod:`.privacy`) and the public
loaders that combine them (:mod:`.loaders`: ``load_events``, ``load_cases``, ``load_sample``,
``validate_file``).

May import: :mod:`kit.config`, :mod:`kit.errors`, :mod:`kit.labels` and itself. Everything else
in the kit builds on this package, never the other way round.
"""
