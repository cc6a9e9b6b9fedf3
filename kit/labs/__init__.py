"""Labs as folders and how they are run and served (labs).

What lives here: lab discovery, ``lab.yml`` and notebook parameters (:mod:`.folders`), the
Papermill runner with reports and manifest (:mod:`.runner`, its worker processes in
:mod:`.pool`, the index page of the runs in :mod:`.runindex`), the Voilà site (:mod:`.site`),
registration of the ``testlab`` Jupyter kernel (:mod:`.kernel`), scaffolding of new labs
(:mod:`.scaffold`) and KPI recording from notebooks (:mod:`.kpi`).

May import: the domain packages (:mod:`kit.process`, :mod:`kit.plans`, …), :mod:`kit.data` and
the top-level modules. Not :mod:`kit.present`: a runner knows notebooks, not what they show.
"""
