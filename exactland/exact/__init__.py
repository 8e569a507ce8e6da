"""Exact numbers and exact linear algebra: rationals (``flint.fmpq``), real
algebraic numbers (:mod:`~exactland.exact.algebraic`), parsing and named
float conversions (:mod:`~exactland.exact.scalars`), scaled-integer matrices
(:mod:`~exactland.exact.intmat`), small exact linear algebra
(:mod:`~exactland.exact.linalg`), exact JSON reading
(:mod:`~exactland.exact.jsonio`), bounded literals
(:mod:`~exactland.exact.literals`) and algebraic expressions
(:mod:`~exactland.exact.expression`, :mod:`~exactland.exact.radicals`), the
canonical digest (:mod:`~exactland.exact.digest`).  Imports nothing from exactland but
:mod:`exactland.errors`.
"""
