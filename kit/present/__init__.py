"""What stakeholders see (present): dashboards, charts and maps.

What lives here: the frame of every lab dashboard with KPI cards (:mod:`.dashboard`),
matplotlib chart builders (:mod:`.charts`), offline folium maps (:mod:`.maps`) and one
dashboard per lab in :mod:`.views`. Texts come from :mod:`kit.labels`.

May import: :mod:`kit.labs` (KPI recording), the domain packages, :mod:`kit.data` and the
top-level modules. Only the CLI and lab notebooks import it.
"""
