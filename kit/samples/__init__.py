"""Synthetic sample data (samples): the bundled data sets are made here, seeded and reproducible.

What lives here: permit cases and events for the pilot municipalities, calibrated against
published figures (:mod:`.permits`, ``testlab synth``), and the digital detailed plans and
building proposals of the plan-check lab (:mod:`.plans`), and a generic event log with hundreds
of activities for the simulation's tests and benchmark (:mod:`.wide`). Nothing here is real data.

May import: the domain packages it calibrates against (:mod:`kit.process`, :mod:`kit.plans`),
:mod:`kit.data` and the top-level modules. Nothing imports it except the CLI, tests and
benchmarks.
"""
