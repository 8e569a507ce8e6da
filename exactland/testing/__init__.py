"""Generated exact instances with known verdicts, for tests and benchmarks
(:mod:`exactland.testing.instances`)."""
