"""Built-in example problems (``data/*.json``) used by the README, the demo and
the tests (:mod:`exactland.builtin.examples`)."""
