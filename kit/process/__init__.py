"""Process mining and lead times (process).

What lives here: the prepared event log every figure shares (:mod:`.eventlog`), generic
process analytics for any log — variants, directly-follows graph, bottlenecks
(:mod:`.mining`) and figures over time (:mod:`.trends`) —, PBL lead times, statutory time
limits and fee reduction (:mod:`.leadtime`), the one-call report of the CLI (:mod:`.report`) and
the process map drawn as SVG (:mod:`.processmap`). Inside the package imports run
``report → trends → leadtime → eventlog`` and ``mining → eventlog``: never back.

May import: :mod:`kit.data`, :mod:`kit.config`, :mod:`kit.errors`, :mod:`kit.labels`. Not
:mod:`kit.plans` (a sibling domain) nor anything that presents or runs labs.
"""
