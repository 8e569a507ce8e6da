"""The exact core: problems, exact evaluation, kink sets, the tangential
decision, stationarity (Definition 3.3), escape neurons (Definition 4.1),
witness paths and the classification of Theorem 4.2 with its certificate.

Imports only :mod:`exactland.errors`, :mod:`exactland.exact` and (for
``Certificate.verify``) :mod:`exactland.checker`; see ``docs/architecture.md``.
"""
