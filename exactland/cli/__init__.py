"""The command line: one parser (:mod:`exactland.cli.main`), shared argument
helpers and exit codes (:mod:`exactland.cli.common`), one module per command
family (certify, dynamics, embedding, taylor, proofs)."""
