"""Process simulation discovered from an event log (the lab "Framtidens process").

* :mod:`.discovery` — from any canonical event log: the activity graph with branching
  probabilities and rework loops (per case type where the data allow), fitted time
  distributions, the arrival process, the working calendar and handler capacity.
* :mod:`.engine` — the discrete-event simulation (SimPy) of a discovered model.
* :mod:`.scenarios` — prototypes as data: named sets of changes read from YAML.
* :mod:`.validation` — discover on the earlier cases, simulate the later period, compare.
* :mod:`.results` — replications in parallel processes, confidence intervals, the 33 % verdict.

The permit figures of a simulated log (statutory clock, fee reduction) come from
:func:`kit.process.leadtime.case_metrics`, so the PBL rules are written once.
"""
