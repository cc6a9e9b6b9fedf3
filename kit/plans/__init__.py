"""Digital detailed plans (detaljplaner) and checks of building proposals against them (plans).

What lives here: the reader of Lantmäteriet's Detaljplan 4.1 JSON and GeoJSON, with proposals
(:mod:`.reader`), Boverket's plan-regulation catalogue subset and how a regulation is
recognised (:mod:`.catalogue`, data in ``data/``), and the checks of
proposals against a plan (:mod:`.check`).

May import: :mod:`kit.data`, :mod:`kit.config`, :mod:`kit.errors`, :mod:`kit.labels`. Not
:mod:`kit.process` (a sibling domain) nor anything that presents or runs labs.
"""
